import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as activityRoute from "@/app/api/user/activity/route";
import * as modelsRoute from "@/app/api/user/api-keys/models/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as healthRoute from "@/app/api/health/route";
import * as liveRoute from "@/app/api/health/live/route";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import type { PublicUser } from "@/lib/db/users";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { call, type CallOptions, sessionCookie } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { registeredAccount, sessionOnly, signInThroughRoute, signOutThroughRoute } from "../fixtures/next-auth";
import { prepareOutage } from "../fixtures/outage";
import { fakeKey, insertUser } from "../fixtures/users";

const outage = await prepareOutage();
const logs = captureLogs();
let fake: FakeProviders;

beforeAll(async () => {
  fake = await startFakeProviders();
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
});
afterAll(() => fake.close());

/**
 * Signed in, with a key saved, while the database is up (the first open of an embedded database is the slowest:
 * the hook's time). Then one test per route, each bounded by what it waits for (one outage, one request): on a
 * busy machine the whole sequence in one test took longer than a test's 30 s.
 */
let ada: PublicUser;
let signedIn: CallOptions;
let openai: ProviderRecord;
let saved: string;

beforeAll(async () => {
  ada = await insertUser("ada");
  // Signed in before the outage: the session row is written now, not by a request while the database is down.
  signedIn = { headers: { cookie: await sessionCookie(ada) } };
  openai = (await getProviderByRegistryId("openai"))!;
  saved = `sk-test-valid-${fakeKey("")}`;
  const first = await call(keysRoute.POST, {
    method: "POST",
    ...signedIn,
    body: { providerId: openai.id, apiKey: saved },
  });
  expect(first.status).toBe(200);
});

const attempts: [string, () => ReturnType<typeof call>][] = [
  ["GET", () => call(keysRoute.GET, { ...signedIn })],
  [
    "POST",
    () =>
      call(keysRoute.POST, {
        method: "POST",
        ...signedIn,
        body: { providerId: openai.id, apiKey: `sk-test-valid-${fakeKey("")}` },
      }),
  ],
  [
    "PATCH",
    () => call(keysRoute.PATCH, { method: "PATCH", ...signedIn, body: { providerId: openai.id, isEnabled: false } }),
  ],
  ["DELETE", () => call(keysRoute.DELETE, { method: "DELETE", ...signedIn, body: { providerId: openai.id } })],
  [
    "TEST",
    () =>
      call(testRoute.POST, {
        method: "POST",
        path: "/api/user/api-keys/test",
        ...signedIn,
        body: { providerId: openai.id },
      }),
  ],
  ["MODELS", () => call(modelsRoute.GET, { path: `/api/user/api-keys/models?providerId=${openai.id}`, ...signedIn })],
  ["ACTIVITY", () => call(activityRoute.GET, { path: "/api/user/activity", ...signedIn })],
  [
    "CHAT",
    () =>
      call(chatRoute.POST, {
        method: "POST",
        path: "/api/chat",
        ...signedIn,
        body: { providerId: openai.id, model: "m", messages: [{ role: "user", content: "Hi" }] },
      }),
  ],
  ["health", () => call(healthRoute.GET, { path: "/api/health" })],
];

describe("the REST API while the database is down", () => {
  it.each(attempts)(
    "%s: 503 with the JSON error shape and Retry-After; liveness still answers",
    async (name, attempt) => {
      await outage.takeDown();
      // Liveness never asks the database: the process is alive while it is down.
      const live = await call(async () => liveRoute.GET(), { path: "/api/health/live" });
      expect([live.status, live.json]).toEqual([200, { status: "ok" }]);
      const answer = await attempt();
      expect(answer.status, `${name}: ${answer.text}`).toBe(503);
      expect(answer.json).toMatchObject({ code: "database_unavailable", error: expect.any(String) });
      expect(answer.headers.get("retry-after")).toBe("5");
    },
  );

  it("recovers without a restart, with no acknowledged write lost and nothing from the failed calls", async () => {
    await outage.bringBack();
    const list = await call<{ providerId: string; isEnabled: boolean }[]>(keysRoute.GET, { ...signedIn });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject([{ providerId: openai.id, isEnabled: true }]);
    const test = await call(testRoute.POST, {
      method: "POST",
      path: "/api/user/api-keys/test",
      ...signedIn,
      body: { providerId: openai.id },
    });
    expect(test.json).toMatchObject({ status: "valid" });
    expect(fake.requests.at(-1)!.credential).toBe(saved);
    const activity = await call<{ events: { type: string }[] }>(activityRoute.GET, {
      path: "/api/user/activity",
      as: ada,
    });
    expect(activity.json.events.map((e) => e.type)).toEqual(["key_tested", "key_created"]); // nothing from the failed calls
    expect((await call(healthRoute.GET, { path: "/api/health" })).json).toEqual({ db: "ok" });

    expect(logs.some((line) => line.includes("database unavailable"))).toBe(true);
    for (const line of logs) expect(line).not.toContain(saved);
  });

  it("a sign-in while it is down is refused with a sentence and logged once, with the database's failure and no credentials", async () => {
    const bob = await registeredAccount("bob");
    await outage.takeDown();
    const since = logs.length;
    const { outcome } = await signInThroughRoute(bob.email, bob.password);
    await outage.bringBack();
    expect(outcome).toMatch(/unavailable/);
    const lines = logs.slice(since).filter((line) => line.includes('"scope":"auth"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/database unavailable/);
    expect(lines[0]).toMatch(/"where":"sign-in"/);
    for (const line of logs.slice(since)) {
      expect(line).not.toContain(bob.email);
      expect(line).not.toContain(bob.password);
    }
  });

  it("sign-out answers 503 and keeps the cookie while the session cannot be ended; once it can, the session ends", async () => {
    const ada = await registeredAccount("ada");
    const { cookies } = await signInThroughRoute(ada.email, ada.password);
    const token = sessionOnly(cookies);
    await outage.takeDown();
    const failed = await signOutThroughRoute(cookies);
    expect(failed.answer.status).toBe(503);
    expect(failed.answer.json).toMatchObject({ code: "database_unavailable" });
    expect(failed.answer.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))).toBe(false);

    await outage.bringBack();
    // Ready again as a load balancer sees it (postgres-js may spend the first query after an outage reconnecting).
    for (let tries = 0; tries < 20 && (await call(healthRoute.GET, { path: "/api/health" })).status !== 200; tries++);
    expect((await call(keysRoute.GET, { headers: { cookie: token } })).status).toBe(200);
    expect((await signOutThroughRoute(cookies)).answer.status).toBe(200);
    expect((await call(keysRoute.GET, { headers: { cookie: token } })).status).toBe(401);
  });
});
