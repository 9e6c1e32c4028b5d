import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as healthRoute from "@/app/api/health/route";
import * as liveRoute from "@/app/api/health/live/route";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { call } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
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

describe("the REST API while the database is down", () => {
  it("answers 503 with the JSON error shape, loses no acknowledged write, and recovers without a restart", async () => {
    const ada = await insertUser("ada");
    const openai = (await getProviderByRegistryId("openai"))!;
    const saved = `sk-test-valid-${fakeKey("")}`;
    const first = await call(keysRoute.POST, { method: "POST", as: ada, body: { providerId: openai.id, apiKey: saved } });
    expect(first.status).toBe(200);

    const attempts: [string, () => ReturnType<typeof call>][] = [
      ["GET", () => call(keysRoute.GET, { as: ada })],
      ["POST", () => call(keysRoute.POST, { method: "POST", as: ada, body: { providerId: openai.id, apiKey: `sk-test-valid-${fakeKey("")}` } })],
      ["PATCH", () => call(keysRoute.PATCH, { method: "PATCH", as: ada, body: { providerId: openai.id, isEnabled: false } })],
      ["DELETE", () => call(keysRoute.DELETE, { method: "DELETE", as: ada, body: { providerId: openai.id } })],
      ["TEST", () => call(testRoute.POST, { method: "POST", path: "/api/user/api-keys/test", as: ada, body: { providerId: openai.id } })],
      ["health", () => call(healthRoute.GET, { path: "/api/health" })],
    ];
    for (const [name, attempt] of attempts) {
      await outage.takeDown();
      // Liveness never asks the database: the process is alive while it is down.
      const live = await call(async () => liveRoute.GET(), { path: "/api/health/live" });
      expect([live.status, live.json]).toEqual([200, { status: "ok" }]);
      const answer = await attempt();
      expect(answer.status, `${name}: ${answer.text}`).toBe(503);
      expect(answer.json).toMatchObject({ code: "database_unavailable", error: expect.any(String) });
      expect(answer.headers.get("retry-after")).toBe("5");
    }

    await outage.bringBack();
    const list = await call<{ providerId: string; isEnabled: boolean }[]>(keysRoute.GET, { as: ada });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject([{ providerId: openai.id, isEnabled: true }]);
    const test = await call(testRoute.POST, { method: "POST", path: "/api/user/api-keys/test", as: ada, body: { providerId: openai.id } });
    expect(test.json).toMatchObject({ status: "valid" });
    expect(fake.requests.at(-1)!.credential).toBe(saved);
    expect((await call(healthRoute.GET, { path: "/api/health" })).json).toEqual({ db: "ok" });

    expect(logs.some((line) => line.includes("database unavailable"))).toBe(true);
    for (const line of logs) expect(line).not.toContain(saved);
  });
});
