import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { HaProxy } from "@/dev/haproxy";
import { Load, type Outcome, summarise } from "./load";
import { pooledDatabase } from "./database";

/**
 * The deployment's topology, from Debian packages, without containers: HAProxy (:4100) → three standalone
 * servers (`node server.js` as the Dockerfile runs it, :4111–4113) → PgBouncer in transaction mode (:4132) →
 * PostgreSQL, with DATABASE_POOLER=transaction, under a bounded mixed load through the load balancer. Each
 * scenario prints its row: requests, failures by kind, p50/p99, writes acknowledged and found in the database.
 * Assertions are on events and counts, never on times.
 */
const LB_PORT = 4100;
const INSTANCES = [
  { name: "app1", port: 4111 },
  { name: "app2", port: 4112 },
  { name: "app3", port: 4113 },
];
const { direct, pooled, pgbouncer } = await pooledDatabase(4132, { poolSize: 20 });
const env = {
  DATABASE_URL: pooled,
  DATABASE_POOLER: "transaction",
  DATABASE_POOL_MAX: "8",
  API_KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  NEXTAUTH_URL: `http://127.0.0.1:${LB_PORT}`,
  TRUST_PROXY: "1",
  LOG_LEVEL: "warn",
  KEY_RECHECK_HOURS: "0",
  RATE_LIMIT_SIGNUPS_PER_HOUR: "100000",
  RATE_LIMIT_VALIDATIONS_PER_MINUTE: "100000",
  RATE_LIMIT_CHATS_PER_MINUTE: "100000",
  // Small enough to reach across instances in the cross-instance test; the load makes no gateway calls.
  RATE_LIMIT_GATEWAY_PER_MINUTE: "6",
};

let folder: string;
let fake: FakeProviders;
let lb: HaProxy;
const servers = new Map<string, AppServer>();
const db = postgres(direct, { max: 2, onnotice: () => {} });
const table: ReturnType<typeof summarise>[] = [];

async function startInstance(name: string): Promise<AppServer> {
  const { port } = INSTANCES.find((i) => i.name === name)!;
  const server = await startApp({
    standalone: folder,
    port,
    env: { ...env, ...fake.env, NEXTAUTH_URL: env.NEXTAUTH_URL },
  });
  servers.set(name, server);
  return server;
}

beforeAll(async () => {
  // The image's /app, as the Dockerfile lays it out (scripts/smoke-standalone.ts does the same).
  folder = join(mkdtempSync(join(tmpdir(), "byok-cluster-")), "app");
  cpSync(".next/standalone", folder, { recursive: true });
  cpSync(".next/static", join(folder, ".next/static"), { recursive: true });
  if (existsSync("public")) cpSync("public", join(folder, "public"), { recursive: true });
  fake = await startFakeProviders({ port: 4120, chat: { chunks: 20, intervalMs: 25 } });
  // All three at once: they migrate the fresh database together, one at a time under the migrations' lock.
  await Promise.all(INSTANCES.map((i) => startInstance(i.name)));
  lb = new HaProxy(LB_PORT, INSTANCES);
  await lb.start();
  for (const { name } of INSTANCES) await lb.until(name, "UP");
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  await lb?.close();
  await fake?.close();
  await db.end();
  if (folder) rmSync(join(folder, ".."), { recursive: true, force: true });
  console.log(
    `\nCluster: HAProxy → 3 × node server.js → PgBouncer 1.18 (transaction) → PostgreSQL (${new Date().toISOString()})`,
  );
  console.table(table);
});

/** Acknowledged saves found in the database, and acknowledged toggles whose state the database holds. */
async function found(load: Load) {
  const ids = [...new Set([...load.acknowledged.saves.keys(), ...load.acknowledged.toggles.keys()])];
  const rows =
    ids.length === 0
      ? []
      : await db<
          { id: string; isEnabled: boolean }[]
        >`select id, "isEnabled" from "UserApiKey" where id = any(${ids}::uuid[])`;
  const byId = new Map(rows.map((r) => [r.id, r.isEnabled]));
  const toggles = [...load.acknowledged.toggles].filter(([id, isEnabled]) => byId.get(id) === isEnabled).length;
  const saves = rows.filter((r) => load.acknowledged.saves.has(r.id)).length;
  const missing = [
    ...[...load.acknowledged.saves.keys()].filter((id) => !byId.has(id)).map((id) => `save ${id}: no row`),
    ...[...load.acknowledged.toggles]
      .filter(([id, isEnabled]) => byId.get(id) !== isEnabled)
      .map(([id, isEnabled]) => `toggle ${id}: acknowledged ${isEnabled}, holds ${byId.get(id)}`),
  ];
  if (missing.length > 0) {
    const ids = missing.map((m) => m.split(" ")[1]!.replace(":", ""));
    console.log(
      `acknowledged but not found:\n  ${missing.join("\n  ")}\ntheir writes:\n  ${load.writes.filter((w) => ids.some((id) => w.includes(id))).join("\n  ")}`,
    );
  }
  return {
    acknowledged: load.acknowledged.saves.size + load.acknowledged.toggles.size,
    found: saves + toggles,
    missing,
  };
}

const failures = (outcomes: Outcome[]) => outcomes.filter((o) => !o.ok);

describe("the cluster under a mixed load", () => {
  it("steady load through the pooler: no request fails, every acknowledged write is in the database", async () => {
    const load = new Load(lb.url);
    const people = await load.people(8);
    await load.run(people, 40);
    const writes = await found(load);
    table.push(summarise("steady", load.outcomes, writes));
    expect(failures(load.outcomes)).toEqual([]);
    expect(writes.missing).toEqual([]);
    // Every instance took part.
    expect(new Set(load.outcomes.map((o) => o.servedBy).filter(Boolean))).toEqual(
      new Set(INSTANCES.map((i) => i.name)),
    );
  });

  it("a rolling restart (SIGTERM one instance at a time, the load balancer draining it): no request fails, no write is lost", async () => {
    const load = new Load(lb.url);
    const people = await load.people(6);
    const running = load.runUntilStopped(people);
    const exitCodes: (number | null)[] = [];
    for (const { name } of INSTANCES) {
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the load reach the instance
      exitCodes.push(await servers.get(name)!.stop());
      await startInstance(name);
      await lb.until(name, "UP");
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    load.stop();
    await running;
    const writes = await found(load);
    table.push(summarise("rolling restart", load.outcomes, writes));
    expect(exitCodes).toEqual([0, 0, 0]);
    expect(failures(load.outcomes)).toEqual([]);
    expect(writes.missing).toEqual([]);
  });

  it("kill -9 of one instance: only the requests it held fail (its streams end in an error, never hang), nothing acknowledged is lost", async () => {
    const load = new Load(lb.url);
    const people = await load.people(6);
    const running = load.runUntilStopped(people);
    const victim = servers.get("app2")!;
    // Killed while it carries a stream: a chat it answers is under way (checked and killed in the same turn).
    while (![...load.streaming.values()].includes("app2")) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = load.outcomes.length;
    process.kill(victim.pid, "SIGKILL");
    await victim.exited;
    await lb.until("app2", "DOWN");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await startInstance("app2");
    await lb.until("app2", "UP");
    load.stop();
    await running; // resolves: no request or stream hangs
    const writes = await found(load);
    table.push(summarise("kill -9 one instance", load.outcomes, writes));
    const failed = failures(load.outcomes.slice(before));
    if (failed.some((f) => !f.servedBy && !lb.servedBy(f.requestId!))) {
      console.log(
        `HAProxy's lines other than 2xx:\n  ${lb.log
          .filter((l) => !/^request \S+ \S+ 2\d\d /.test(l))
          .slice(-40)
          .join("\n  ")}`,
      );
    }
    // What failed was on the killed instance: answered by it (a stream cut), or held by it when it died (the load
    // balancer's log names the instance it had sent the request to).
    for (const f of failed) expect(f.servedBy || lb.servedBy(f.requestId!), JSON.stringify(f)).toBe("app2");
    expect(failed.filter((f) => f.kind === "chat").length).toBeGreaterThan(0);
    expect(failures(load.outcomes.slice(0, before))).toEqual([]);
    expect(writes.missing).toEqual([]);
  });

  it("PgBouncer restarted: 503s while it is down, then answers again without restarting the app", async () => {
    const load = new Load(lb.url);
    const people = await load.people(4);
    await load.run(people, 10);
    expect(failures(load.outcomes)).toEqual([]);
    const pids = [...servers.values()].map((s) => s.pid);
    await pgbouncer.stop();
    const down = new Load(lb.url);
    for (let i = 0; i < 20; i++) {
      const answer = await fetch(`${lb.url}/api/user/api-keys`, {
        headers: { cookie: people[i % people.length]!.cookie },
      });
      const servedBy = answer.headers.get("x-served-by") ?? "";
      // The app's own 503 names the failure; the load balancer's (every instance out, its readiness failing) not.
      const code = servedBy
        ? ((await answer.json()) as { code?: string }).code
        : (await answer.text(), "from the load balancer");
      down.outcomes.push({ kind: "list", result: `${answer.status} ${code}`, ok: answer.ok, servedBy, ms: 0 });
    }
    await pgbouncer.start();
    // The instances come back by themselves: the load balancer's checks see them ready again.
    for (const { name } of INSTANCES) await lb.until(name, "UP");
    const after = new Load(lb.url);
    await after.run(people, 20);
    const writes = await found(after);
    table.push(summarise("PgBouncer down", down.outcomes, { acknowledged: 0, found: 0 }));
    table.push(summarise("after PgBouncer restart", after.outcomes, writes));
    for (const o of down.outcomes)
      expect(["503 database_unavailable", "503 from the load balancer"]).toContain(o.result);
    expect(failures(after.outcomes)).toEqual([]);
    expect(writes.missing).toEqual([]);
    expect([...servers.values()].map((s) => s.pid)).toEqual(pids); // the same processes: none was restarted
  });
});

describe("cross-instance truth (each request straight to one instance)", () => {
  const at = (name: string) => servers.get(name)!.url;
  const json = async <T>(url: string, init: RequestInit & { cookie?: string; bearer?: string } = {}) => {
    // The site's origin is the load balancer's (NEXTAUTH_URL), whichever instance answers.
    const headers: Record<string, string> = { "content-type": "application/json", origin: env.NEXTAUTH_URL };
    if (init.cookie) headers.cookie = init.cookie;
    if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
    const answer = await fetch(url, { ...init, headers });
    const text = await answer.text();
    return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
  };

  it("a write through one instance is in the next read through another, the held key-list answer included", async () => {
    const cookie = await signInOverHttp(
      at("app1"),
      `cross.${randomUUID().slice(0, 8)}@example.test`,
      "cluster-password-1",
    );
    const providers = (await json<{ id: string }[]>(`${at("app1")}/api/providers`, { cookie })).body;
    // app2 holds the list's answer for this user (empty), then app1 writes, then app2 and app3 read.
    expect((await json<unknown[]>(`${at("app2")}/api/user/api-keys`, { cookie })).body).toEqual([]);
    const saved = await json<{ id: string }>(`${at("app1")}/api/user/api-keys`, {
      method: "POST",
      cookie,
      body: JSON.stringify({ providerId: providers[0]!.id, apiKey: `sk-test-valid-${randomBytes(8).toString("hex")}` }),
    });
    expect(saved.status).toBe(200);
    for (const name of ["app2", "app3"]) {
      const list = (await json<{ id: string; isEnabled: boolean }[]>(`${at(name)}/api/user/api-keys`, { cookie })).body;
      expect(list.map((k) => k.id)).toEqual([saved.body.id]);
    }
    expect(
      (
        await json(`${at("app3")}/api/user/api-keys/${saved.body.id}`, {
          method: "PATCH",
          cookie,
          body: JSON.stringify({ isEnabled: false }),
        })
      ).status,
    ).toBe(200);
    const held = (await json<{ id: string; isEnabled: boolean }[]>(`${at("app2")}/api/user/api-keys`, { cookie })).body;
    expect(held).toMatchObject([{ id: saved.body.id, isEnabled: false }]);
  });

  it("lockouts and rate limits, token revocation and 'sign out everywhere' hold across instances", async () => {
    const email = `limits.${randomUUID().slice(0, 8)}@example.test`;
    const cookie = await signInOverHttp(at("app1"), email, "cluster-password-1");

    // Failed sign-ins for one email, spread over the three instances: the eleventh is held on any of them.
    const attempt = async (name: string, password: string) => {
      const csrf = await fetch(`${at(name)}/api/auth/csrf`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const answer = await fetch(`${at(name)}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: csrf.headers
            .getSetCookie()
            .map((c) => c.split(";")[0])
            .join("; "),
          "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250)}`,
        },
        body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
      });
      const { url = "" } = (await answer.json().catch(() => ({}))) as { url?: string };
      return decodeURIComponent(url).includes("Too many failed sign-in attempts")
        ? "held"
        : answer.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))
          ? "signed in"
          : "refused";
    };
    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await attempt(INSTANCES[i % 3]!.name, "wrong password"));
    expect(wrong).toEqual(Array(10).fill("refused"));
    expect([
      await attempt("app1", "wrong password"),
      await attempt("app2", "cluster-password-1"),
      await attempt("app3", "wrong password"),
    ]).toEqual(["held", "held", "held"]);

    // An access token made on app1 works on app2, is limited to 6 calls a minute across all three, and once
    // revoked on app3 is refused by every instance.
    const token = await json<{ id: string; token: string }>(`${at("app1")}/api/user/tokens`, {
      method: "POST",
      cookie,
      body: JSON.stringify({ name: "cluster" }),
    });
    expect(token.status).toBe(201);
    const calls = [];
    for (let i = 0; i < 7; i++)
      calls.push((await json(`${at(INSTANCES[i % 3]!.name)}/api/v1/models`, { bearer: token.body.token })).status);
    expect(calls).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect((await json(`${at("app3")}/api/user/tokens/${token.body.id}`, { method: "DELETE", cookie })).status).toBe(
      200,
    );
    for (const { name } of INSTANCES)
      expect((await json(`${at(name)}/api/v1/models`, { bearer: token.body.token })).status).toBe(401);

    // "Sign out everywhere" on app2 ends the sessions that app1 and app3 were serving.
    const other = await signInOverHttp(
      at("app3"),
      `other.${randomUUID().slice(0, 8)}@example.test`,
      "cluster-password-1",
    );
    const phone = await signInOverHttp(at("app3"), email.replace("limits", "limits2"), "cluster-password-1");
    const laptop = await signInOverHttp(at("app1"), email.replace("limits", "limits2"), "cluster-password-1", false);
    expect((await json(`${at("app2")}/api/user/sessions/revoke`, { method: "POST", cookie: phone })).status).toBe(200);
    const after = [];
    for (const { name } of INSTANCES)
      after.push(
        (await json(`${at(name)}/api/user/api-keys`, { cookie: laptop })).status,
        (await json(`${at(name)}/api/user/api-keys`, { cookie: phone })).status,
      );
    expect(after).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await json(`${at("app1")}/api/user/api-keys`, { cookie: other })).status).toBe(200);
  });
});
