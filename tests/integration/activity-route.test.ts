import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as activityRoute from "@/app/api/user/activity/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import type { PublicUser } from "@/lib/db/users";
import { type Answer, call } from "../fixtures/http";
import { fakeKey, insertUser } from "../fixtures/users";

/** GET /api/user/activity over HTTP, and the events the key routes leave in it. */
type Page = {
  events: { id: string; at: string; type: string; providerId: string | null; detail: Record<string, unknown> }[];
  nextCursor: string | null;
};

let fake: FakeProviders;
let ada: PublicUser;
let babbage: PublicUser;
let openai: ProviderRecord;

const activity = (as?: PublicUser, query = "") =>
  call<Page>(activityRoute.GET, { as, path: `/api/user/activity${query}` });
const key = (behaviour: string) => `sk-test-${behaviour}-${fakeKey("")}`;

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
}

beforeAll(async () => {
  fake = await startFakeProviders();
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  openai = (await getProviderByRegistryId("openai"))!;
});
afterAll(() => fake.close());

describe("GET /api/user/activity", () => {
  it("answers 401 without a session", async () => {
    expectError(await activity(), 401, "unauthorized");
  });

  it("lists what the key routes did, newest first, and only the caller's", async () => {
    expect((await activity(ada)).json).toEqual({ events: [], nextCursor: null });
    const body = (extra: object) => ({ providerId: openai.id, ...extra });
    expect((await call(keysRoute.POST, { method: "POST", as: ada, body: body({ apiKey: key("valid") }) })).status).toBe(
      200,
    );
    expect(
      (await call(keysRoute.POST, { method: "POST", as: ada, body: body({ apiKey: key("invalid") }) })).status,
    ).toBe(400); // nothing saved, no event
    expect((await call(keysRoute.PATCH, { method: "PATCH", as: ada, body: body({ isEnabled: false }) })).status).toBe(
      200,
    );
    expect(
      (await call(testRoute.POST, { method: "POST", path: "/api/user/api-keys/test", as: ada, body: body({}) })).status,
    ).toBe(200);
    expect(
      (
        await call(testRoute.POST, {
          method: "POST",
          path: "/api/user/api-keys/test",
          as: ada,
          body: body({ apiKey: key("valid") }),
        })
      ).status,
    ).toBe(200); // a typed key: no event
    expect((await call(keysRoute.DELETE, { method: "DELETE", as: ada, body: body({}) })).status).toBe(200);

    const page = await activity(ada);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.json.events.map((e) => [e.type, e.providerId, e.detail])).toEqual([
      ["key_deleted", openai.id, { label: "Default" }],
      ["key_tested", openai.id, { health: "ok", label: "Default" }],
      ["key_disabled", openai.id, { label: "Default" }],
      ["key_created", openai.id, { checked: true, health: "ok", label: "Default" }],
    ]);
    expect((await activity(babbage)).json.events).toEqual([]);
  });

  it("pages with nextCursor", async () => {
    for (let i = 0; i < 11; i++) {
      await call(keysRoute.PATCH, {
        method: "PATCH",
        as: ada,
        body: { providerId: openai.id, isEnabled: i % 2 === 0 },
      }); // no key: no event
      await call(keysRoute.POST, {
        method: "POST",
        as: babbage,
        body: { providerId: openai.id, apiKey: key("valid"), skipValidation: true },
      });
    }
    const first = (await activity(babbage)).json;
    expect(first.events).toHaveLength(11);
    expect(first.nextCursor).toBeNull();
    for (let i = 0; i < 10; i++)
      await call(keysRoute.PATCH, {
        method: "PATCH",
        as: babbage,
        body: { providerId: openai.id, isEnabled: i % 2 === 1 },
      });
    const newest = (await activity(babbage)).json;
    expect(newest.events).toHaveLength(20);
    expect(newest.nextCursor).toBe(newest.events.at(-1)!.id);
    const older = (await activity(babbage, `?cursor=${newest.nextCursor}`)).json;
    expect(older.events.map((e) => e.type)).toEqual(["key_created"]);
    expect(older.nextCursor).toBeNull();
    const ids = [...newest.events, ...older.events].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("answers 400 invalid_query for a cursor that is not one, an unknown or a repeated parameter", async () => {
    for (const query of [
      "?cursor=abc",
      "?cursor=0",
      "?cursor=-1",
      "?cursor=1e3",
      `?cursor=${"9".repeat(30)}`,
      "?page=2",
      "?cursor=5&cursor=6",
    ]) {
      const answer = await activity(ada, query);
      expectError(answer, 400, "invalid_query");
      expect(answer.json).toMatchObject({ fields: expect.any(Object) });
    }
  });
});
