import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as endpointRoute from "@/app/api/user/endpoints/[id]/route";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as providersRoute from "@/app/api/providers/route";
import { getDb } from "@/lib/db/client";
import { modelProvider, user, userApiKey } from "@/lib/db/schema";
import { seedProviders } from "@/lib/db/seed";
import type { PublicUser } from "@/lib/db/users";
import { APP_URL, type Answer, call, type CallOptions } from "../fixtures/http";
import { refusedByUrl } from "../fixtures/refusal-corpus";
import { startTraps, type Traps } from "../fixtures/traps";
import { fakeKey, insertUser } from "../fixtures/users";

type Endpoint = { id: string; name: string; baseUrl: string; createdAt: string };

let ada: PublicUser;
let babbage: PublicUser;
let traps: Traps;

const routes = {
  LIST: [endpointsRoute.GET, "GET"],
  CREATE: [endpointsRoute.POST, "POST"],
  UPDATE: [endpointRoute.PATCH, "PATCH"],
  DELETE: [endpointRoute.DELETE, "DELETE"],
} as const;

function api<T = unknown>(route: keyof typeof routes, options: CallOptions & { id?: string } = {}): Promise<Answer<T>> {
  const [handler, method] = routes[route];
  const path = options.id === undefined ? "/api/user/endpoints" : `/api/user/endpoints/${options.id}`;
  return call<T>(handler, { method, path, ...options });
}

const create = (as: PublicUser, body: unknown) => api<Endpoint>("CREATE", { as, body });

/** Everything endpoints and keys are made of, to compare before and after a refused request. */
async function snapshot() {
  const db = await getDb();
  const providers = await db.select().from(modelProvider).orderBy(modelProvider.id);
  const keys = await db.select().from(userApiKey).orderBy(userApiKey.id);
  return JSON.stringify({ providers, keys });
}

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
}

beforeAll(async () => {
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  traps = await startTraps();
});

afterAll(async () => {
  await traps.close();
});

beforeEach(() => {
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "");
  vi.stubEnv("FEATURE_FLAGS", "");
});

describe("every route", () => {
  const id = "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f";
  const cases = [
    ["LIST", undefined, undefined],
    ["CREATE", undefined, { name: "x", baseUrl: "https://api.example.com/v1" }],
    ["UPDATE", id, { name: "y" }],
    ["DELETE", id, undefined],
  ] as const;

  it.each(cases)("%s answers 401 without a session, 403 with the flag off", async (route, target, body) => {
    expectError(await api(route, { id: target, body }), 401, "unauthorized");
    vi.stubEnv("FEATURE_FLAGS", "showApiKeyManagement=false");
    expectError(await api(route, { id: target, body, as: ada }), 403, "feature_disabled");
  });

  it.each(cases.filter(([route]) => route !== "LIST"))("%s refuses another origin", async (route, target, body) => {
    const answer = await api(route, { id: target, body, as: ada, headers: { origin: "https://evil.example" } });
    expectError(answer, 403, "cross_origin");
  });
});

describe("the endpoint lifecycle", () => {
  let endpoint: Endpoint;

  it("starts empty, adds one (201, normalised), lists it", async () => {
    expect((await api("LIST", { as: ada })).json).toEqual([]);
    const created = await create(ada, {
      name: "  My gateway ",
      baseUrl: " HTTPS://Gateway.Example.COM:443/openai/v1/ ",
    });
    expect(created.status, created.text).toBe(201);
    endpoint = created.json;
    expect(endpoint).toEqual({
      id: expect.any(String),
      slug: "my-gateway",
      name: "My gateway",
      baseUrl: "https://gateway.example.com/openai/v1",
      createdAt: expect.any(String),
    });
    expect((await api("LIST", { as: ada })).json).toEqual([endpoint]);
  });

  it("appears in its owner's GET /api/providers, after the catalogue, and nobody else's", async () => {
    const providers = (await call<Record<string, unknown>[]>(providersRoute.GET, { path: "/api/providers", as: ada }))
      .json;
    expect(providers).toHaveLength(9);
    expect(providers.at(-1)).toEqual({
      id: endpoint.id,
      registryId: "custom",
      name: "My gateway",
      description: "",
      baseUrl: endpoint.baseUrl,
      hasApiKey: false,
      isEnabled: false,
      fallback: true,
    });
    const theirs = (await call<{ id: string }[]>(providersRoute.GET, { path: "/api/providers", as: babbage })).json;
    expect(theirs.map((p) => p.id)).not.toContain(endpoint.id);
    expect((await api("LIST", { as: babbage })).json).toEqual([]);
  });

  it("renames, and moves within its origin keeping its key", async () => {
    await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: endpoint.id, apiKey: fakeKey(), skipValidation: true },
    });
    const renamed = await api<Endpoint>("UPDATE", { id: endpoint.id, as: ada, body: { name: "Gateway" } });
    expect(renamed.json).toEqual({ ...endpoint, name: "Gateway", slug: "gateway" });
    const moved = await api<Endpoint>("UPDATE", {
      id: endpoint.id,
      as: ada,
      body: { baseUrl: "https://gateway.example.com/v2" },
    });
    expect(moved.json).toEqual({
      ...endpoint,
      name: "Gateway",
      slug: "gateway",
      baseUrl: "https://gateway.example.com/v2",
    });
    const keys = (await call<{ providerId: string }[]>(keysRoute.GET, { as: ada })).json;
    expect(keys.map((k) => k.providerId)).toEqual([endpoint.id]);
  });

  it("moved to another origin, loses its saved key in the same statement", async () => {
    for (const baseUrl of ["https://gateway.example.com:8443/v2", "https://other.example.com/v2"]) {
      await call(keysRoute.POST, {
        method: "POST",
        as: ada,
        body: { providerId: endpoint.id, apiKey: fakeKey(), skipValidation: true },
      });
      const moved = await api<Endpoint>("UPDATE", { id: endpoint.id, as: ada, body: { baseUrl } });
      expect(moved.json.baseUrl).toBe(baseUrl);
      expect((await call<unknown[]>(keysRoute.GET, { as: ada })).json).toEqual([]);
    }
  });

  it("is deleted with its key (cascade), then is gone everywhere", async () => {
    await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: endpoint.id, apiKey: fakeKey(), skipValidation: true },
    });
    expect((await api("DELETE", { id: endpoint.id, as: ada })).json).toEqual({ success: true });
    const db = await getDb();
    expect(await db.select().from(userApiKey).where(eq(userApiKey.providerId, endpoint.id))).toEqual([]);
    expectError(await api("DELETE", { id: endpoint.id, as: ada }), 404, "endpoint_not_found");
    expectError(await api("UPDATE", { id: endpoint.id, as: ada, body: { name: "back" } }), 404, "endpoint_not_found");
    const saved = await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: endpoint.id, apiKey: fakeKey(), skipValidation: true },
    });
    expectError(saved, 404, "provider_not_found");
  });

  it("survives a re-seed of the catalogue untouched", async () => {
    const kept = (await create(ada, { name: "Kept", baseUrl: "https://kept.example.com/v1" })).json;
    await seedProviders(await getDb());
    expect((await api("LIST", { as: ada })).json).toContainEqual(kept);
    await api("DELETE", { id: kept.id, as: ada });
  });
});

describe("ownership", () => {
  it("another user's endpoint is a 404 on every route, and for every key route", async () => {
    const mine = (await create(ada, { name: "Ada's", baseUrl: "https://ada.example.com/v1" })).json;
    await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: mine.id, apiKey: fakeKey(), skipValidation: true },
    });
    const before = await snapshot();
    expectError(
      await api("UPDATE", { id: mine.id, as: babbage, body: { name: "Mine now" } }),
      404,
      "endpoint_not_found",
    );
    expectError(
      await api("UPDATE", { id: mine.id, as: babbage, body: { baseUrl: "https://babbage.example.com/v1" } }),
      404,
      "endpoint_not_found",
    );
    expectError(await api("DELETE", { id: mine.id, as: babbage }), 404, "endpoint_not_found");
    const key = { providerId: mine.id, apiKey: fakeKey(), skipValidation: true };
    expectError(await call(keysRoute.POST, { method: "POST", as: babbage, body: key }), 404, "provider_not_found");
    expectError(
      await call(keysRoute.PATCH, { method: "PATCH", as: babbage, body: { providerId: mine.id, isEnabled: false } }),
      404,
      "api_key_not_found",
    );
    expectError(
      await call(keysRoute.DELETE, { method: "DELETE", as: babbage, body: { providerId: mine.id } }),
      404,
      "api_key_not_found",
    );
    expect(await snapshot()).toBe(before);
  });

  it("an id that is not a uuid is a 404 too", async () => {
    expectError(await api("DELETE", { id: "not-a-uuid", as: ada }), 404, "endpoint_not_found");
    expectError(await api("UPDATE", { id: "' or 1=1 --", as: ada, body: { name: "x" } }), 404, "endpoint_not_found");
  });

  it("goes with its owner's account", async () => {
    const carol = await insertUser("carol");
    await create(carol, { name: "Carol's", baseUrl: "https://carol.example.com/v1" });
    const db = await getDb();
    await db.delete(user).where(eq(user.id, carol.id));
    expect(await db.select().from(modelProvider).where(eq(modelProvider.ownerId, carol.id))).toEqual([]);
  });
});

describe("the limit", () => {
  it("is 10 endpoints per user: the 11th is a 409", async () => {
    const dave = await insertUser("dave");
    for (let i = 0; i < 10; i++)
      expect((await create(dave, { name: `E${i}`, baseUrl: `https://e${i}.example.com/v1` })).status).toBe(201);
    const before = await snapshot();
    const eleventh = await create(dave, { name: "E10", baseUrl: "https://e10.example.com/v1" });
    expectError(eleventh, 409, "endpoint_limit_reached");
    expect(eleventh.json).toMatchObject({ error: "You can add at most 10 endpoints. Delete one to add another." });
    expect(await snapshot()).toBe(before);
    // Deleting one makes room again; others are not affected by Dave's count.
    const [first] = (await api<Endpoint[]>("LIST", { as: dave })).json;
    await api("DELETE", { id: first!.id, as: dave });
    expect((await create(dave, { name: "E10", baseUrl: "https://e10.example.com/v1" })).status).toBe(201);
    expect((await create(babbage, { name: "B", baseUrl: "https://b.example.com/v1" })).status).toBe(201);
  });

  it("holds under 25 concurrent adds: exactly 10 created, the rest 409", async () => {
    const erin = await insertUser("erin");
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => create(erin, { name: `C${i}`, baseUrl: `https://c${i}.example.com/v1` })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    expect((await api<Endpoint[]>("LIST", { as: erin })).json).toHaveLength(10);
  });
});

describe("refused base URLs", () => {
  it("every URL of the corpus: 400 endpoint_not_allowed with the reason, nothing stored, no connection", async () => {
    const before = await snapshot();
    const corpus = refusedByUrl(traps.port);
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const [what, baseUrl, why] of corpus) {
      const answer = await create(ada, { name: what.slice(0, 40), baseUrl });
      expectError(answer, 400, "endpoint_not_allowed");
      expect((answer.json as unknown as { error: string }).error, what).toMatch(why);
    }
    expect(await snapshot()).toBe(before);
    expect(traps.connections).toEqual([]);
  });

  it("a PATCH to a refused URL changes nothing", async () => {
    const mine = (await create(ada, { name: "Fine", baseUrl: "https://fine.example.com/v1" })).json;
    const before = await snapshot();
    for (const baseUrl of [
      "http://169.254.169.254/latest",
      "https://[::1]/v1",
      "https://user:pw@fine.example.com/v1",
    ]) {
      expectError(await api("UPDATE", { id: mine.id, as: ada, body: { baseUrl } }), 400, "endpoint_not_allowed");
    }
    expect(await snapshot()).toBe(before);
  });

  it("ALLOWED_ENDPOINT_HOSTS opens self-hosted addresses, http included", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "localhost,10.0.0.0/8");
    for (const baseUrl of ["http://localhost:11434/v1", "http://10.1.2.3:8000/v1"]) {
      const created = await create(ada, { name: "Self-hosted", baseUrl });
      expect(created.status, created.text).toBe(201);
      expect(created.json.baseUrl).toBe(baseUrl);
      await api("DELETE", { id: created.json.id, as: ada });
    }
    expectError(
      await create(ada, { name: "Not listed", baseUrl: "http://127.0.0.1:11434/v1" }),
      400,
      "endpoint_not_allowed",
    );
  });
});

describe("bad bodies", () => {
  const corpus: [string, unknown][] = [
    ["no body fields", {}],
    ["name missing", { baseUrl: "https://a.example.com/v1" }],
    ["baseUrl missing", { name: "A" }],
    ["name empty", { name: "", baseUrl: "https://a.example.com/v1" }],
    ["name blank", { name: "   ", baseUrl: "https://a.example.com/v1" }],
    ["name 41 characters", { name: "x".repeat(41), baseUrl: "https://a.example.com/v1" }],
    ["name with a line break", { name: "A\nB", baseUrl: "https://a.example.com/v1" }],
    ["name a number", { name: 7, baseUrl: "https://a.example.com/v1" }],
    ["baseUrl empty", { name: "A", baseUrl: "" }],
    ["baseUrl an object", { name: "A", baseUrl: { href: "https://a.example.com" } }],
    ["baseUrl 3000 characters", { name: "A", baseUrl: `https://a.example.com/${"v".repeat(3000)}` }],
    [
      "an extra field",
      { name: "A", baseUrl: "https://a.example.com/v1", ownerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" },
    ],
    ["an array", [{ name: "A", baseUrl: "https://a.example.com/v1" }]],
  ];

  it.each(corpus)("POST with %s: 400 invalid_body, nothing stored", async (_what, body) => {
    const before = await snapshot();
    expectError(await create(ada, body), 400, "invalid_body");
    expect(await snapshot()).toBe(before);
  });

  it("PATCH without a field, or with an unknown one, is 400", async () => {
    const mine = (await create(ada, { name: "Patched", baseUrl: "https://patched.example.com/v1" })).json;
    expectError(await api("UPDATE", { id: mine.id, as: ada, body: {} }), 400, "invalid_body");
    expectError(await api("UPDATE", { id: mine.id, as: ada, body: { registryId: "openai" } }), 400, "invalid_body");
  });

  it("a 40-character name counts characters, not bytes", async () => {
    const created = await create(ada, { name: "🦙".repeat(40), baseUrl: "https://llama.example.com/v1" });
    expect(created.status, created.text).toBe(201);
  });

  it("the origin check is the app's own", async () => {
    const answer = await api("CREATE", {
      as: ada,
      headers: { origin: APP_URL },
      body: { name: "Ours", baseUrl: "https://ours.example.com/v1" },
    });
    expect(answer.status).toBe(201);
  });
});
