import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { TcpProxy } from "@/dev/tcp-proxy";
import { type ThrowawayDatabase, throwawayDatabase } from "@/dev/throwaway-database";

/**
 * What the product promises under stress, proven against real processes: `next start` on the production build,
 * a real PostgreSQL (TEST_DATABASE_URL, default the local server's `test` database, in a fresh database of its
 * own), the fake provider server, and a TCP proxy that can cut the database away.
 */
const run = promisify(execFile);
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const K1 = `k1:${randomBytes(32).toString("base64")}`;
const K2 = `k2:${randomBytes(32).toString("base64")}`;
const SECRET = randomBytes(32).toString("base64");
const PASSWORD = "reliability-password";

let database: ThrowawayDatabase;
let db: postgres.Sql;
let fake: FakeProviders;
const servers: AppServer[] = [];
const keys: string[] = [];
const bodies: string[] = [];
const summary: string[] = [];

function testKey(behaviour = "valid"): string {
  const key = `sk-test-${behaviour}-${randomUUID().replaceAll("-", "")}`;
  keys.push(key);
  return key;
}

async function app(env: Record<string, string> = {}): Promise<AppServer> {
  const server = await startApp({
    env: {
      ...database.env,
      API_KEY_ENCRYPTION_KEYS: K1,
      NEXTAUTH_SECRET: SECRET,
      RATE_LIMIT_VALIDATIONS_PER_MINUTE: "100000",
      RATE_LIMIT_SIGNUPS_PER_HOUR: "100000",
      ALLOWED_ENDPOINT_HOSTS: "127.0.0.1",
      ...fake.env,
      ...env,
    },
  });
  servers.push(server);
  return server;
}

interface Reply {
  status: number;
  json: Record<string, unknown>;
  ms: number;
}

async function http(server: AppServer, method: string, path: string, cookie: string, body?: unknown): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A hung request must fail the test with a reason, not stall it until the suite's timeout.
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  bodies.push(text);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the assertions below will say so
  }
  return { status: response.status, json, ms: performance.now() - started };
}

async function user(server: AppServer, name: string): Promise<{ id: string; cookie: string }> {
  const email = `${name}.${randomUUID().slice(0, 8)}@example.test`;
  const cookie = await signInOverHttp(server.url, email, PASSWORD);
  const [row] = await db<{ id: string }[]>`select id from "User" where email = ${email}`;
  return { id: row!.id, cookie };
}

let providers: Record<string, string> = {};

beforeAll(async () => {
  database = await throwawayDatabase({ server: SERVER, prefix: "byok_reliability" });
  db = postgres(database.location, { max: 4, onnotice: () => {} });
  fake = await startFakeProviders({ slowMs: 15_000 });
  await app({ PROVIDER_TIMEOUT_MS: "2000" }); // servers[0], shared by the tests below
  const rows = await db<{ id: string; registryId: string }[]>`select id, "registryId" from "ModelProvider"`;
  providers = Object.fromEntries(rows.map((r) => [r.registryId, r.id]));
  expect(Object.keys(providers)).toHaveLength(8);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.close();
  await db?.end();
  await database?.drop();
  console.log(`\nReliability summary (${new Date().toISOString()}):\n${summary.map((s) => `  - ${s}`).join("\n")}\n`);
});

describe("reliability", () => {
  it("200 concurrent upserts of one (user, provider): one row, no 5xx", async () => {
    const server = servers[0]!;
    const ada = await user(server, "ada");
    const replies = await Promise.all(
      Array.from({ length: 200 }, () =>
        http(server, "POST", "/api/user/api-keys", ada.cookie, {
          providerId: providers.openai,
          apiKey: testKey(),
          skipValidation: true,
        }),
      ),
    );
    const byStatus = replies.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    expect(byStatus).toEqual({ 200: 200 });
    const [{ count }] =
      (await db`select count(*)::int as count from "UserApiKey" where "userId" = ${ada.id}`) as unknown as [
        { count: number },
      ];
    expect(count).toBe(1);
    summary.push(`200 concurrent upserts → statuses ${JSON.stringify(byStatus)}, rows for (user, provider): ${count}`);
  });

  it("the database cut mid-load: 503 with the JSON error, recovery without a restart, every acknowledged write kept", async () => {
    const target = new URL(database.location);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = Object.assign(new URL(database.location), { port: String(proxy.port) }).toString();
    const server = await app({ DATABASE_URL: viaProxy });
    const people = await Promise.all(Array.from({ length: 8 }, (_, i) => user(server, `load${i}`)));
    const pairs = people.flatMap((p) => Object.values(providers).map((providerId) => ({ ...p, providerId })));
    const acknowledged: { userId: string; providerId: string; key: string }[] = [];
    const statuses: Record<string, number> = {};
    const slowest: Record<string, number> = {};
    let cutAt = -1;
    let restoredAt = -1;

    let next = 0;
    async function worker() {
      while (next < pairs.length) {
        const index = next++;
        const pair = pairs[index]!;
        if (index === 20 && cutAt < 0) {
          cutAt = index;
          setTimeout(() => void proxy.restore().then(() => (restoredAt = next)), 1_500);
          await proxy.cut();
        }
        const key = testKey();
        const reply = await http(server, "POST", "/api/user/api-keys", pair.cookie, {
          providerId: pair.providerId,
          apiKey: key,
          skipValidation: true,
        });
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        slowest[reply.status] = Math.max(slowest[reply.status] ?? 0, Math.round(reply.ms));
        if (reply.status === 200) acknowledged.push({ userId: pair.id, providerId: pair.providerId, key });
        else {
          expect(reply.status).toBe(503);
          expect(reply.json).toMatchObject({ code: "database_unavailable", error: expect.any(String) });
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(statuses[503]).toBeGreaterThan(0);
    expect(restoredAt).toBeGreaterThan(0);

    // After the outage the same process answers again.
    const after = await http(server, "GET", "/api/user/api-keys", people[0]!.cookie);
    expect(after.status).toBe(200);

    const stored = await db<
      { userId: string; providerId: string; keyHint: string }[]
    >`select "userId", "providerId", "keyHint" from "UserApiKey"`;
    const index = new Map(stored.map((r) => [`${r.userId}/${r.providerId}`, r.keyHint]));
    const missing = acknowledged.filter(
      (a) =>
        index.get(`${a.userId}/${a.providerId}`) !==
        `${a.key.slice(0, 4)}${"*".repeat(a.key.length - 8)}${a.key.slice(-4)}`,
    );
    expect(missing).toEqual([]);
    summary.push(
      `database cut for 1.5 s under load: statuses ${JSON.stringify(statuses)} (slowest answer per status, ms: ${JSON.stringify(slowest)}); ${acknowledged.length} acknowledged writes, ${missing.length} missing afterwards; recovered without restart`,
    );
  });

  it("a provider slower than the timeout: provider_unreachable within timeout + 1 s, nothing saved", async () => {
    const server = servers[0]!; // PROVIDER_TIMEOUT_MS=2000
    const bob = await user(server, "bob");
    const reply = await http(server, "POST", "/api/user/api-keys", bob.cookie, {
      providerId: providers.anthropic,
      apiKey: testKey("slow"),
    });
    expect(reply.status).toBe(502);
    expect(reply.json).toMatchObject({
      code: "provider_unreachable",
      error: "Couldn't reach Anthropic to check the key (timed out after 2 s).",
    });
    expect(reply.ms).toBeGreaterThanOrEqual(2_000);
    expect(reply.ms).toBeLessThan(3_000);
    const rows = await db`select 1 from "UserApiKey" where "userId" = ${bob.id}`;
    expect(rows).toHaveLength(0);
    summary.push(
      `slow provider (timeout 2 s): 502 provider_unreachable after ${Math.round(reply.ms)} ms, 0 rows saved`,
    );
  });

  it("key rotation under concurrent reads: zero failed reads, zero lost keys", async () => {
    const writer = servers[0]!;
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => user(writer, `rot${i}`)));
    const saved: { cookie: string; providerId: string }[] = [];
    for (const person of people) {
      for (const registryId of ["openai", "groq", "mistral"]) {
        const reply = await http(writer, "POST", "/api/user/api-keys", person.cookie, {
          providerId: providers[registryId],
          apiKey: testKey(),
          skipValidation: true,
        });
        expect(reply.status).toBe(200);
        saved.push({ cookie: person.cookie, providerId: providers[registryId]! });
      }
    }
    const reader = await app({ API_KEY_ENCRYPTION_KEYS: `${K2},${K1}` });
    const before = await db<
      { keyId: string; n: number }[]
    >`select "keyId", count(*)::int as n from "UserApiKey" group by 1`;
    expect(before.map((r) => r.keyId)).toEqual(["k1"]);

    let reading = true;
    const reads: Record<string, number> = {};
    const readers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; reading; i += 6) {
        const target = saved[i % saved.length]!;
        const reply = await http(reader, "POST", "/api/user/api-keys/test", target.cookie, {
          providerId: target.providerId,
        });
        const outcome = `${reply.status}/${String(reply.json.status)}`;
        reads[outcome] = (reads[outcome] ?? 0) + 1;
      }
    });
    const rotation = await run("npx", ["tsx", "--conditions=react-server", "scripts/keys-rotate.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: database.location,
        API_KEY_ENCRYPTION_KEYS: `${K2},${K1}`,
        ROTATE_BATCH_SIZE: "7",
        NODE_ENV: "production",
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    reading = false;
    await Promise.all(readers);

    expect(Object.keys(reads)).toEqual(["200/valid"]);
    const after = await db<
      { keyId: string; n: number }[]
    >`select "keyId", count(*)::int as n from "UserApiKey" group by 1`;
    expect(after.map((r) => r.keyId)).toEqual(["k2"]);
    const total = after[0]!.n;

    // Retire k1: a server with only k2 reads every key.
    const retired = await app({ API_KEY_ENCRYPTION_KEYS: K2 });
    for (const target of saved) {
      const reply = await http(retired, "POST", "/api/user/api-keys/test", target.cookie, {
        providerId: target.providerId,
      });
      expect(reply.json).toMatchObject({ status: "valid" });
    }
    const listed = await http(retired, "GET", "/api/user/api-keys", people[0]!.cookie);
    expect((listed.json as unknown as { needsReentry: boolean }[]).every((k) => !k.needsReentry)).toBe(true);
    summary.push(
      `rotation k1→k2 of ${total} rows in batches of 7 under 6 concurrent readers: reads ${JSON.stringify(reads)}; rows on k2 afterwards ${total}/${total}; all readable with k1 retired. keys:rotate printed: ${rotation.stdout.trim().split("\n").slice(-5).join(" | ")}`,
    );
  });

  it("two instances on one PostgreSQL share the per-user validation limit and see each other's writes at once", async () => {
    const limit = 20;
    const one = await app({ RATE_LIMIT_VALIDATIONS_PER_MINUTE: String(limit) });
    const two = await app({ RATE_LIMIT_VALIDATIONS_PER_MINUTE: String(limit) });
    const carol = await user(one, "carol");
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        http(i % 2 ? two : one, "POST", "/api/user/api-keys/test", carol.cookie, {
          providerId: providers.openai,
          apiKey: testKey(),
        }),
      ),
    );
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429).length;
    expect(ok).toBe(limit);
    expect(limited).toBe(40 - limit);

    const key = testKey();
    const written = await http(one, "POST", "/api/user/api-keys", carol.cookie, {
      providerId: providers.deepseek,
      apiKey: key,
      skipValidation: true,
    });
    const read = await http(two, "GET", "/api/user/api-keys", carol.cookie);
    expect(
      (read.json as unknown as { providerId: string; apiKey: string }[]).find(
        (k) => k.providerId === providers.deepseek,
      )?.apiKey,
    ).toBe(written.json.apiKey);
    summary.push(
      `two instances, limit ${limit}/min: 40 checks alternating → ${ok} allowed, ${limited} answered 429; a write on one was read on the other at once`,
    );
  });

  it("an access token revoked on one instance is refused by the other at once; a tool's stream and usage work across both", async () => {
    const one = servers[0]!;
    const two = await app();
    const dave = await user(one, "dave");
    await http(one, "POST", "/api/user/api-keys", dave.cookie, {
      providerId: providers.openai,
      apiKey: testKey(),
      skipValidation: true,
    });
    const created = await http(one, "POST", "/api/user/tokens", dave.cookie, { name: "script" });
    expect(created.status).toBe(201);
    const token = created.json.token as string;
    // The one answer that shows the token (the contract's "appears in this answer only"): every later body is
    // scanned for it with the keys.
    expect(bodies.pop()).toContain(token);
    keys.push(token);
    const ask = (server: AppServer) =>
      fetch(`${server.url}/api/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }], stream: true }),
        signal: AbortSignal.timeout(30_000),
      });
    const streamed = await ask(two);
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    bodies.push(text);
    expect(text).toContain("data: [DONE]");
    const revoked = await http(one, "DELETE", `/api/user/tokens/${created.json.id as string}`, dave.cookie);
    expect(revoked.status).toBe(200);
    const refused = await ask(two);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
    await vi.waitFor(async () => {
      const [row] = await db<
        { requests: number }[]
      >`select coalesce(sum(requests), 0)::int as requests from "ModelUsage" where "userId" = ${dave.id}`;
      expect(row!.requests).toBe(1);
    });
    summary.push(
      "access token: a stream through instance two, revoked on instance one, the next request on two answered 401",
    );
  });

  it("custom endpoint keys go through the guard to their own endpoint only; refused addresses never connect", async () => {
    const server = servers[0]!;
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => user(server, `endpoint${i}`)));
    const since = fake.requests.length;
    const saved = await Promise.all(
      people.map(async (person, i) => {
        const created = await http(server, "POST", "/api/user/endpoints", person.cookie, {
          name: `Endpoint ${i}`,
          baseUrl: fake.endpointURL("keyed"),
        });
        expect(created.status).toBe(201);
        const key = testKey();
        const reply = await http(server, "POST", "/api/user/api-keys", person.cookie, {
          providerId: created.json.id,
          apiKey: key,
        });
        expect(reply.status).toBe(200);
        const tested = await http(server, "POST", "/api/user/api-keys/test", person.cookie, {
          providerId: created.json.id,
        });
        expect(tested.json).toMatchObject({ valid: true, status: "valid" });
        return key;
      }),
    );
    // Each endpoint request carried exactly its user's key, twice (the save's check and the test).
    const credentials = fake.requests
      .slice(since)
      .filter((r) => r.registryId === "custom")
      .map((r) => r.credential);
    expect(credentials.sort()).toEqual([...saved, ...saved].sort());

    const refused: Record<string, number> = {};
    // 127.0.0.1 itself is allowed on these servers (ALLOWED_ENDPOINT_HOSTS): 2130706434 is 127.0.0.2.
    for (const baseUrl of [
      "https://169.254.169.254/latest",
      "https://[::1]/v1",
      "http://10.0.0.1/v1",
      "https://2130706434/v1",
      "https://localhost/v1",
    ]) {
      const reply = await http(server, "POST", "/api/user/endpoints", people[0]!.cookie, { name: "Refused", baseUrl });
      refused[reply.status] = (refused[reply.status] ?? 0) + 1;
      expect(reply.json).toMatchObject({ code: "endpoint_not_allowed" });
    }
    const rows = await db<{ n: number }[]>`select count(*)::int as n from "ModelProvider" where "ownerId" is not null`;
    expect(rows[0]!.n).toBe(6);
    summary.push(
      `custom endpoints: 6 users × (save with check + stored-key test) through the guard → ${credentials.length} endpoint requests, each with its own user's key; 5 internal base URLs → ${JSON.stringify(refused)}, nothing stored`,
    );
  });

  it("two npm run keys:check of one period at once, beside running servers' re-checkers: each key checked exactly once", async () => {
    const server = servers[0]!;
    const people = await Promise.all(Array.from({ length: 3 }, (_, i) => user(server, `check${i}`)));
    const mine: string[] = [];
    for (const person of people) {
      for (const providerId of Object.values(providers)) {
        const key = testKey();
        mine.push(key);
        const reply = await http(server, "POST", "/api/user/api-keys", person.cookie, {
          providerId,
          apiKey: key,
          skipValidation: true,
        });
        expect(reply.status).toBe(200);
      }
    }
    const checker = () =>
      // One period (an hour) for both: a run started later with no period would rightly re-check what the first
      // one checked before it started.
      run(
        "npx",
        [
          "tsx",
          "--conditions=react-server",
          "scripts/keys-check.ts",
          "--concurrency",
          "3",
          "--spacing-ms",
          "0",
          "--older-than-hours",
          "1",
        ],
        {
          env: {
            ...process.env,
            ...fake.env,
            DATABASE_URL: database.location,
            API_KEY_ENCRYPTION_KEYS: K1,
            NODE_ENV: "production",
          },
        },
      );
    const outputs = await Promise.all([checker(), checker()]);
    const requests = new Map<string, number>();
    for (const r of fake.requests) if (r.credential) requests.set(r.credential, (requests.get(r.credential) ?? 0) + 1);
    expect(mine.map((k) => requests.get(k) ?? 0)).toEqual(mine.map(() => 1));
    const checked = outputs.map((o) => Number(/Checked (\d+) of/.exec(o.stdout)?.[1]));
    const healths = await db<
      { health: string }[]
    >`select distinct health from "UserApiKey" where "userId" in ${db(people.map((p) => p.id))}`;
    expect(healths.map((h) => h.health)).toEqual(["ok"]);
    summary.push(
      `two keys:check processes (--older-than-hours 1) at once over ${mine.length} fresh keys (plus every other enabled key): checked ${checked.join(" + ")}; each fresh key asked about exactly once; all now "ok"`,
    );
  });

  it("no test key in a pg_dump, any server log line, any response body or the built client bundles", async () => {
    const url = new URL(database.location);
    const dump = await run(
      "pg_dump",
      ["-h", url.hostname, "-p", url.port || "5432", "-U", url.username || "postgres", url.pathname.slice(1)],
      {
        maxBuffer: 512 * 1024 * 1024,
      },
    );
    const logs = servers.flatMap((s) => s.output).join("");
    const staticFiles: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else staticFiles.push(readFileSync(path, "latin1"));
      }
    };
    walk(".next/static");
    const haystacks: [string, string][] = [
      ["pg_dump", dump.stdout],
      ["server logs", logs],
      ["response bodies", bodies.join("\n")],
      ["client bundles", staticFiles.join("\n")],
    ];
    expect(dump.stdout).toContain("UserApiKey");
    expect(keys.length).toBeGreaterThan(250);
    const hits = haystacks.flatMap(([where, text]) =>
      keys.filter((k) => text.includes(k)).map((k) => `${where}: ${k}`),
    );
    expect(hits).toEqual([]);
    summary.push(
      `plaintext scan of ${keys.length} test keys over a ${Math.round(dump.stdout.length / 1024)} KiB pg_dump, ${Math.round(logs.length / 1024)} KiB of server logs, ${bodies.length} response bodies and ${staticFiles.length} files in .next/static → ${hits.length} hits`,
    );
  });
});
