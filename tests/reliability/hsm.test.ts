import { randomBytes, randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { type SoftHsm, startSoftHsm } from "@/dev/softhsm";
import { type ThrowawayDatabase, throwawayDatabase } from "@/dev/throwaway-database";
import { runScript } from "../fixtures/scripts";

/**
 * Key-encryption keys in an HSM, against real processes: `next start` on the production build with
 * KEK_BACKEND=pkcs11 and a SoftHSM2 token of this run (behind the failing module), a real PostgreSQL, the fake
 * providers. Two instances keep answering playground messages on every key while `keys:rotate` moves the keys
 * from the keyring under the token; then the keyring is retired, the token fails and comes back.
 */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const K1 = `k1:${randomBytes(32).toString("base64")}`;
const SECRET = randomBytes(32).toString("base64");

let database: ThrowawayDatabase;
let db: postgres.Sql;
let fake: FakeProviders;
let hsm: SoftHsm;
const servers: AppServer[] = [];
const summary: string[] = [];

async function app(env: Record<string, string>): Promise<AppServer> {
  const server = await startApp({
    env: {
      ...database.env,
      ...hsm.env,
      NEXTAUTH_SECRET: SECRET,
      RATE_LIMIT_CHATS_PER_MINUTE: "100000",
      RATE_LIMIT_SIGNUPS_PER_HOUR: "100000",
      ...fake.env,
      ...env,
    },
  });
  servers.push(server);
  return server;
}

const local = { KEK_BACKEND: "local", API_KEY_ENCRYPTION_KEYS: K1, PKCS11_MODULE: "" };
const token = (labels: string, keyring = "") => ({
  KEK_BACKEND: "pkcs11",
  PKCS11_KEY_LABELS: labels,
  API_KEY_ENCRYPTION_KEYS: keyring,
});

interface Saved {
  cookie: string;
  providerId: string;
  apiKey: string;
}

/** A playground message through `server` on this key: the status, and whether the fake provider was sent that key. */
async function chat(server: AppServer, key: Saved): Promise<string> {
  const since = fake.requests.length;
  const response = await fetch(`${server.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: key.cookie, origin: server.url },
    body: JSON.stringify({ providerId: key.providerId, model: "m-1", messages: [{ role: "user", content: "Hi" }] }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) return `${response.status}/${(JSON.parse(text) as { code: string }).code}`;
  const sent = fake.requests.slice(since).some((r) => r.credential === key.apiKey);
  return text.includes('"type":"text-delta"') && sent ? "200/answered" : "200/WRONG";
}

/** The server's first log line holding `text`, once it has written one (it logs after the database is ready). */
async function logged(server: AppServer, text: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const line = server.output
      .join("")
      .split("\n")
      .find((l) => l.includes(text));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server never logged "${text}":\n${server.output.join("")}`);
}

const keyIds = async () =>
  Object.fromEntries(
    (await db<{ keyId: string; n: number }[]>`select "keyId", count(*)::int as n from "UserApiKey" group by 1`).map(
      (r) => [r.keyId, r.n],
    ),
  );

beforeAll(async () => {
  database = await throwawayDatabase({ server: SERVER, prefix: "byok_hsm" });
  db = postgres(database.location, { max: 2, onnotice: () => {} });
  fake = await startFakeProviders({ chat: { chunks: 3, intervalMs: 0 } });
  hsm = startSoftHsm({ keyLabels: ["kek-1"] });
});

afterAll(async () => {
  hsm?.recover();
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.close();
  await db?.end();
  await database?.drop();
  hsm?.drop();
  console.log(`\nHSM summary (${new Date().toISOString()}):\n${summary.map((s) => `  - ${s}`).join("\n")}\n`);
});

describe("key-encryption keys in an HSM", () => {
  it("start refuses a PIN, a token or a key that cannot be used, naming the variable", async () => {
    const refusal = (env: Record<string, string>) =>
      app({ ...token("kek-1"), ...env }).then(
        () => "started",
        (error: Error) => error.message,
      );
    expect(await refusal({ PKCS11_PIN: "wrong" })).toMatch(
      /exited before it was ready[\s\S]*PKCS11_PIN: the token \\"byok-test\\" refused the PIN/,
    );
    expect(await refusal({ PKCS11_TOKEN_LABEL: "gone" })).toMatch(
      /exited before it was ready[\s\S]*PKCS11_TOKEN_LABEL: no token labelled \\"gone\\"/,
    );
    expect(await refusal({})).toMatch(
      /exited before it was ready[\s\S]*PKCS11_KEY_LABELS: the token \\"byok-test\\" holds no secret key labelled \\"kek-1\\"/,
    );
    summary.push(
      "next start with a wrong PIN, an unknown token, a key not yet created: exited at start, naming PKCS11_PIN, PKCS11_TOKEN_LABEL, PKCS11_KEY_LABELS",
    );
  });

  it("two instances keep serving every key while keys:rotate moves them from the keyring under the token; then the keyring retires", async () => {
    const writer = await app(local);
    const saved: Saved[] = [];
    for (let i = 0; i < 8; i++) {
      const cookie = await signInOverHttp(
        writer.url,
        `hsm${i}.${randomUUID().slice(0, 8)}@example.test`,
        "reliability-password",
      );
      for (const registryId of ["openai", "anthropic", "groq"]) {
        const [provider] = await db<
          { id: string }[]
        >`select id from "ModelProvider" where "registryId" = ${registryId}`;
        const apiKey = `sk-test-valid-${randomUUID().replaceAll("-", "")}`;
        const reply = await fetch(`${writer.url}/api/user/api-keys`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, origin: writer.url },
          body: JSON.stringify({ providerId: provider!.id, apiKey, skipValidation: true }),
        });
        expect(reply.status).toBe(200);
        saved.push({ cookie, providerId: provider!.id, apiKey });
      }
    }
    expect(await keyIds()).toEqual({ k1: 24 });
    const init = await runScript("scripts/kek-init.ts", hsm.env);
    expect(init.stdout).toContain("kek-1: created an AES-256 key inside the token");

    const one = await app(token("kek-1", K1));
    const two = await app(token("kek-1", K1));
    expect(one.output.join("")).toContain("key-encryption keys: pkcs11:kek-1 wraps (pkcs11); pkcs11:kek-1, k1 unwrap");

    let rotating = true;
    const answers: Record<string, number> = {};
    const clients = Array.from({ length: 6 }, async (_, c) => {
      for (let i = c; rotating; i += 6) {
        const outcome = await chat(i % 2 ? two : one, saved[i % saved.length]!);
        answers[outcome] = (answers[outcome] ?? 0) + 1;
      }
    });
    const rotation = await runScript("scripts/keys-rotate.ts", {
      ...database.env,
      ...hsm.env,
      ...token("kek-1", K1),
      ROTATE_BATCH_SIZE: "3",
      NODE_ENV: "production",
    });
    rotating = false;
    await Promise.all(clients);
    expect(rotation.code, rotation.stderr).toBe(0);
    expect(rotation.stdout).toContain("every KEK but pkcs11:kek-1 can be retired");
    expect(Object.keys(answers)).toEqual(["200/answered"]);
    expect(await keyIds()).toEqual({ "pkcs11:kek-1": 24 });

    // The keyring retired: a server holding only the token (and no data-key cache) answers on every key.
    const retired = await app({ ...token("kek-1"), KEK_CACHE_SECONDS: "0" });
    for (const key of saved) expect(await chat(retired, key)).toBe("200/answered");
    // A server holding only the keyring says, at start, that it cannot open them and what to do.
    const stranded = await app(local);
    expect(await logged(stranded, "stored keys were sealed by keys this server does not hold")).toContain(
      "24 stored keys were sealed by keys this server does not hold (pkcs11:kek-1: 24)",
    );
    summary.push(
      `24 keys moved k1 → pkcs11:kek-1 in batches of 3 while 2 instances answered ${answers["200/answered"]} playground messages (${JSON.stringify(answers)}); with k1 retired every key answered; a keyring-only server's start warned of 24 keys it cannot open`,
    );

    // The token fails: what needs a key answers 503, the page and the list do not; back without a restart.
    hsm.fail();
    expect(await chat(retired, saved[0]!)).toBe("503/key_service_unavailable");
    for (const path of ["/settings", "/api/user/api-keys"]) {
      const page = await fetch(`${retired.url}${path}`, { headers: { cookie: saved[0]!.cookie }, redirect: "manual" });
      expect(page.status).toBe(200);
    }
    hsm.recover();
    let attempts = 0;
    for (let outcome = ""; outcome !== "200/answered"; attempts++) {
      expect(attempts).toBeLessThan(50);
      outcome = await chat(retired, saved[1]!);
      if (outcome !== "200/answered") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    summary.push(
      `the token failing: chat 503 key_service_unavailable, /settings and the list 200; answered again ${attempts} attempt(s) after it came back`,
    );
  });
});
