import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { type AppServer, startApp } from "@/dev/app-server";
import { type ThrowawayDatabase, throwawayDatabase } from "@/dev/throwaway-database";
import { SERVER_PAYLOADS } from "../fixtures/redirect-payloads";

/**
 * The security findings re-run as an attacker ran them, against real `next start` processes on the production
 * build and a real PostgreSQL: what a client sends over a socket, not what a test hands a route handler. Each
 * test starts the servers and databases it needs.
 */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const SECRET = randomBytes(32).toString("base64");
const KEYRING = `k1:${randomBytes(32).toString("base64")}`;
const PASSWORD = "security-password";

const databases: ThrowawayDatabase[] = [];
const servers: AppServer[] = [];
const summary: string[] = [];

async function database(): Promise<ThrowawayDatabase> {
  const created = await throwawayDatabase({ server: SERVER, prefix: "byok_security" });
  databases.push(created);
  return created;
}

async function app(db: ThrowawayDatabase, env: Record<string, string> = {}): Promise<AppServer> {
  const server = await startApp({
    env: {
      ...db.env,
      API_KEY_ENCRYPTION_KEYS: KEYRING,
      NEXTAUTH_SECRET: SECRET,
      RATE_LIMIT_SIGNUPS_PER_HOUR: "100000",
      ...env,
    },
  });
  servers.push(server);
  return server;
}

const madeUpAddress = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const email = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.test`;

async function register(server: AppServer, address: string, headers: Record<string, string> = {}): Promise<number> {
  const answer = await fetch(`${server.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ email: address, password: PASSWORD }),
  });
  await answer.text();
  return answer.status;
}

interface SignInAttempt {
  status: number;
  /** Where next-auth sends the browser next (json=true): an error page on failure. */
  url: string;
  cookies: string[];
}

/** One credentials sign-in over HTTP, as the browser's form does it, with the cookies and headers given. */
async function attemptSignIn(
  server: AppServer,
  user: string,
  password: string,
  options: { cookie?: string; headers?: Record<string, string>; callbackUrl?: string } = {},
): Promise<SignInAttempt> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = [...csrf.headers.getSetCookie().map((c) => c.split(";")[0]), options.cookie]
    .filter(Boolean)
    .join("; ");
  const answer = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...options.headers },
    body: new URLSearchParams({
      csrfToken,
      email: user,
      password,
      json: "true",
      ...(options.callbackUrl === undefined ? {} : { callbackUrl: options.callbackUrl }),
    }),
  });
  const body = (await answer.json().catch(() => ({}))) as { url?: string };
  return {
    status: answer.status,
    url: body.url ?? "",
    cookies: answer.headers.getSetCookie().map((c) => c.split(";")[0]!),
  };
}

/** Sign-out over HTTP, as the app's sign-out button makes it. */
async function signOutOverHttp(server: AppServer, session: string): Promise<void> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie: session } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = [session, ...csrf.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
  const answer = await fetch(`${server.url}/api/auth/signout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }),
  });
  expect(answer.status).toBe(200);
}

const isLimited = (attempt: SignInAttempt) =>
  decodeURIComponent(attempt.url).includes("Too many failed sign-in attempts");

/** Runs `work` for each item, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

/** Resident memory of a process, from /proc, in MiB. */
function residentMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return Math.round(Number(line![1]) / 1024);
}

/** A body of `mib` MiB produced as it is sent, without Content-Length. */
function streamedBody(mib: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(97);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= mib * 1024 * 1024) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

const count = <T>(items: T[], test: (item: T) => boolean) => items.filter(test).length;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(databases.map((d) => d.drop()));
  console.log(`\nSecurity summary (${new Date().toISOString()}):\n${summary.map((s) => `  - ${s}`).join("\n")}\n`);
});

describe("security, over real sockets", () => {
  it("a client rotating X-Forwarded-For is held to the per-address limits with TRUST_PROXY unset; TRUST_PROXY=1 honours the header", async () => {
    const db = await database();
    const direct = await app(db, { RATE_LIMIT_SIGNUPS_PER_HOUR: "5" });
    const proxied = await app(db, { RATE_LIMIT_SIGNUPS_PER_HOUR: "5", TRUST_PROXY: "1" });

    const signUps = async (server: AppServer) =>
      inBatches(
        Array.from({ length: 8 }, () => email("rotate")),
        4,
        (user) => register(server, user, { "x-forwarded-for": madeUpAddress() }),
      );
    const direct201 = count(await signUps(direct), (s) => s === 201);
    const proxied201 = count(await signUps(proxied), (s) => s === 201);
    expect(direct201).toBe(5);
    expect(proxied201).toBe(8);

    // 60 failed sign-ins, each for a new email from a new made-up address: the per-address limit is 50.
    const failures = async (server: AppServer) =>
      inBatches(
        Array.from({ length: 60 }, () => email("nobody")),
        6,
        (user) => attemptSignIn(server, user, "wrong password", { headers: { "x-forwarded-for": madeUpAddress() } }),
      );
    const proxiedLimited = count(await failures(proxied), isLimited);
    const directLimited = count(await failures(direct), isLimited);
    expect(proxiedLimited).toBe(0);
    expect(directLimited).toBe(10);
    summary.push(
      `rotating X-Forwarded-For: TRUST_PROXY unset → ${direct201}/8 sign-ups (limit 5), ${directLimited}/60 failed sign-ins limited (limit 50); TRUST_PROXY=1 → ${proxied201}/8 sign-ups, ${proxiedLimited}/60 limited`,
    );
  });

  it("next-auth's routes answer 413 to large bodies before reading them: memory stays flat", async () => {
    const server = await app(await database());
    const endpoint = `${server.url}/api/auth/callback/credentials`;
    const form = { "content-type": "application/x-www-form-urlencoded" };
    await fetch(`${server.url}/api/auth/csrf`).then((r) => r.text());
    const before = residentMiB(server.pid);

    const declared = await inBatches(
      Array.from({ length: 20 }, () => `password=${"a".repeat(1024 * 1024)}`),
      4,
      async (body) => {
        const answer = await fetch(endpoint, { method: "POST", headers: form, body });
        return { status: answer.status, json: await answer.json() };
      },
    );
    expect(declared.every((a) => a.status === 413 && a.json.code === "payload_too_large")).toBe(true);

    const stream = streamedBody(200);
    const streamed = await fetch(endpoint, {
      method: "POST",
      headers: form,
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.text();
    await stream.cancel().catch(() => {});
    const after = residentMiB(server.pid);
    expect(after - before).toBeLessThan(64);
    summary.push(
      `20 × 1 MiB and one streamed 200 MiB body to /api/auth/callback/credentials → 413 each; server RSS ${before} → ${after} MiB`,
    );
  });

  it("the credentials sign-in with each of the callbackUrl payloads: never a 5xx, always back to this site", async () => {
    const server = await app(await database());
    const account = email("corpus");
    expect(await register(server, account)).toBe(201);
    const statuses: Record<number, number> = {};
    for (const payload of SERVER_PAYLOADS) {
      const attempt = await attemptSignIn(server, account, PASSWORD, { callbackUrl: payload });
      statuses[attempt.status] = (statuses[attempt.status] ?? 0) + 1;
      expect(attempt.status, JSON.stringify(payload)).toBeLessThan(500);
      const target = new URL(attempt.url, server.url);
      expect(target.origin, JSON.stringify(payload)).toBe(server.url);
      expect(target.pathname, JSON.stringify(payload)).not.toMatch(/^\/[\\/]/);
    }
    summary.push(
      `${SERVER_PAYLOADS.length} callbackUrl payloads in the sign-in POST → statuses ${JSON.stringify(statuses)}, every one back to this site`,
    );
  });

  it("a stranger's 20 failed sign-ins hold strangers, not the owner's browser with its device cookie", async () => {
    const server = await app(await database());
    const owner = email("owner");
    expect(await register(server, owner)).toBe(201);
    const first = await attemptSignIn(server, owner, PASSWORD);
    const device = first.cookies.find((c) => c.startsWith("byok-device="));
    expect(device).toBeDefined();

    const stranger = await inBatches(Array.from({ length: 20 }, madeUpAddress), 4, (address) =>
      attemptSignIn(server, owner, "wrong password", { headers: { "x-forwarded-for": address } }),
    );
    const held = count(stranger, isLimited);
    expect(held).toBe(10);
    const newBrowser = await attemptSignIn(server, owner, PASSWORD);
    expect(isLimited(newBrowser)).toBe(true);
    const knownBrowser = await attemptSignIn(server, owner, PASSWORD, { cookie: device });
    expect(knownBrowser.status).toBe(200);
    expect(knownBrowser.cookies.some((c) => c.startsWith("next-auth.session-token="))).toBe(true);
    summary.push(
      `lockout: a stranger's 20 failures → ${held} held; the owner from a new browser held, from the browser with its device cookie signed in`,
    );
  });

  it("sessions end on the server: a token replayed after sign-out, or after 'sign out everywhere', is refused by both instances", async () => {
    const db = await database();
    const [one, two] = [await app(db), await app(db)];
    const user = email("replay");
    expect(await register(one, user)).toBe(201);
    const session = (await attemptSignIn(one, user, PASSWORD)).cookies.find((c) =>
      c.startsWith("next-auth.session-token="),
    )!;
    const list = async (server: AppServer, cookie: string) =>
      (await fetch(`${server.url}/api/user/api-keys`, { headers: { cookie } })).status;
    const page = async (server: AppServer, cookie: string) =>
      (await fetch(`${server.url}/settings`, { headers: { cookie }, redirect: "manual" })).headers.get("location") ??
      "no redirect";
    expect([await list(one, session), await list(two, session)]).toEqual([200, 200]);
    expect(await page(two, session)).toBe("no redirect");

    await signOutOverHttp(one, session);
    const afterSignOut = [await list(one, session), await list(two, session)];
    expect(afterSignOut).toEqual([401, 401]);
    expect(await page(two, session)).toMatch(/\/login\?callbackUrl=%2Fsettings$/);

    const laptop = (await attemptSignIn(one, user, PASSWORD)).cookies.find((c) =>
      c.startsWith("next-auth.session-token="),
    )!;
    const phone = (await attemptSignIn(two, user, PASSWORD)).cookies.find((c) =>
      c.startsWith("next-auth.session-token="),
    )!;
    const revoke = await fetch(`${two.url}/api/user/sessions/revoke`, { method: "POST", headers: { cookie: phone } });
    expect(revoke.status).toBe(200);
    const afterEverywhere = [await list(one, laptop), await list(two, laptop), await list(one, phone)];
    expect(afterEverywhere).toEqual([401, 401, 401]);
    summary.push(
      `replay after sign-out on instance 1 → list ${JSON.stringify(afterSignOut)} on instances 1 and 2, /settings → /login; after 'sign out everywhere' on 2 → ${JSON.stringify(afterEverywhere)}`,
    );
  });

  it("production refuses to start without NEXTAUTH_URL, or with a NEXTAUTH_SECRET under 32 bytes, naming the variable", async () => {
    const db = await database();
    const refusal = async (env: Record<string, string>) => {
      const started = await app(db, env).then(
        () => "started",
        (error: Error) => error.message,
      );
      expect(started).toMatch(/exited before it was ready/);
      return started;
    };
    expect(await refusal({ NEXTAUTH_URL: "" })).toContain("NEXTAUTH_URL is not set");
    expect(await refusal({ NEXTAUTH_SECRET: "x".repeat(31) })).toContain("NEXTAUTH_SECRET is shorter than 32 bytes");
    summary.push(
      "next start without NEXTAUTH_URL, and with a 31-byte NEXTAUTH_SECRET: exited at start, naming the variable",
    );
  });
});
