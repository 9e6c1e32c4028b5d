import { randomBytes, randomUUID } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { type ThrowawayDatabase, throwawayDatabase } from "@/dev/throwaway-database";

/**
 * SIGTERM, as a container runtime sends it, to `next start` on the production build with the embedded database
 * in a folder: the request in flight (a key check against a slow provider) is answered, new connections are
 * refused meanwhile, the process exits 0, and the database was closed properly (a new server on the same folder
 * reads what was saved).
 */
const SLOW_MS = 3_000;
const env = {
  API_KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
};
let database: ThrowawayDatabase;
let fake: FakeProviders;
const servers: AppServer[] = [];

beforeAll(async () => {
  database = await throwawayDatabase({ prefix: "byok_shutdown", pglite: "folder" });
  fake = await startFakeProviders({ slowMs: SLOW_MS });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.close();
  await database?.drop();
});

async function app(extra: Record<string, string> = {}): Promise<AppServer> {
  const server = await startApp({ env: { ...database.env, ...fake.env, ...env, ...extra } });
  servers.push(server);
  return server;
}

/** Whether a new TCP connection to the port is refused right now. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

async function signedIn(server: AppServer) {
  const cookie = await signInOverHttp(server.url, `stop.${randomUUID().slice(0, 8)}@example.test`, "shutdown-password");
  const providers = (await (await fetch(`${server.url}/api/providers`, { headers: { cookie } })).json()) as {
    id: string;
  }[];
  return { cookie, providers };
}

/** Starts a save whose key check waits on the slow fake provider; resolves once the provider has the request,
 * with the answer still to come. */
async function slowSave(server: AppServer, cookie: string, providerId: string) {
  const apiKey = `sk-test-slow-${randomUUID().replaceAll("-", "")}`;
  const answer = fetch(`${server.url}/api/user/api-keys`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ providerId, apiKey }),
  }).then(
    async (response) => ({ status: response.status, json: (await response.json()) as Record<string, unknown> }),
    (error: unknown) => ({ status: 0, json: { failed: String(error) } }),
  );
  while (!fake.requests.some((r) => r.credential === apiKey)) await new Promise((resolve) => setTimeout(resolve, 20));
  return { answer };
}

const logLines = (server: AppServer) =>
  server.output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { scope?: string; msg: string; inFlight?: number; cut?: number });

describe("graceful shutdown", () => {
  it("answers the request in flight, refuses new connections meanwhile, exits 0 and leaves the database readable", async () => {
    const server = await app();
    const { cookie, providers } = await signedIn(server);
    const { answer: pending } = await slowSave(server, cookie, providers[0]!.id);

    const exitCode = server.stop();
    let refusedWhilePending = false;
    let settled = false;
    void pending.then(() => (settled = true));
    while (!settled && !refusedWhilePending) {
      refusedWhilePending = await refused(server.port);
      if (!refusedWhilePending) await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ providerId: providers[0]!.id, isEnabled: true });
    expect(refusedWhilePending).toBe(true);
    expect(await exitCode).toBe(0);
    const stopped = logLines(server).find((e) => e.scope === "shutdown" && e.msg.startsWith("stopped"));
    expect(stopped).toMatchObject({ inFlight: 1, cut: 0 });

    const again = await app(); // same folder, same secret: the session cookie still holds
    const list = (await (await fetch(`${again.url}/api/user/api-keys`, { headers: { cookie } })).json()) as {
      providerId: string;
    }[];
    expect(list.map((k) => k.providerId)).toEqual([providers[0]!.id]);
    expect(await again.stop()).toBe(0);
  });

  it("first answers readiness with 503 while it still serves (SHUTDOWN_DRAIN_MS), then stops listening", async () => {
    const server = await app({ SHUTDOWN_DRAIN_MS: "3000" });
    const exitCode = server.stop();
    let health: Response;
    do health = await fetch(`${server.url}/api/health`);
    while (health.status === 200);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ db: "unchecked", code: "shutting_down" });
    // Still serving meanwhile (a load balancer's check takes it out first), each answer closing its connection.
    const live = await fetch(`${server.url}/api/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get("connection")).toBe("close");
    while (!(await refused(server.port))) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await exitCode).toBe(0);
  });

  it("cuts a request still running after the grace period, and still exits 0 with the database closed", async () => {
    const server = await app({ SHUTDOWN_GRACE_MS: "500" });
    const { cookie, providers } = await signedIn(server);
    const { answer: pending } = await slowSave(server, cookie, providers[1]!.id);

    expect(await server.stop()).toBe(0);
    expect((await pending).status).toBe(0); // the connection was closed without an answer
    expect(logLines(server).find((e) => e.scope === "shutdown" && e.msg.startsWith("stopped"))).toMatchObject({
      inFlight: 1,
      cut: 1,
    });

    const again = await app();
    const list = (await (await fetch(`${again.url}/api/user/api-keys`, { headers: { cookie } })).json()) as {
      providerId: string;
    }[];
    expect(list.map((k) => k.providerId)).not.toContain(providers[1]!.id);
  });

  it.each([
    ["a bare `next start`", undefined],
    ["a bare `node .next/standalone/server.js`", ".next/standalone"],
  ])("drains the same when started as %s, without NEXT_MANUAL_SIG_HANDLE", async (_how, standalone) => {
    const server = await startApp({
      standalone,
      env: { ...database.env, ...fake.env, ...env, NEXT_MANUAL_SIG_HANDLE: "" },
    });
    servers.push(server);
    const { cookie, providers } = await signedIn(server);
    const { answer: pending } = await slowSave(server, cookie, providers[2]!.id);
    const exitCode = server.stop();
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(await exitCode).toBe(0);
    expect(logLines(server).find((e) => e.scope === "shutdown" && e.msg.startsWith("stopped"))).toMatchObject({
      inFlight: 1,
      cut: 0,
    });
  });
});
