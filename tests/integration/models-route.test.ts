import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as modelsRoute from "@/app/api/user/api-keys/models/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import { countDecryptions, countStatements } from "@/dev/counters";
import { FAKE_MODEL_IDS } from "@/dev/fake-providers/model-lists";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { keyEvent } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { PROVIDERS, type RegistryId } from "@/lib/domain/catalogue";
import { type Answer, call } from "../fixtures/http";
import { keyringEntry } from "../fixtures/keyring";
import { captureLogs } from "../fixtures/logs";
import { fakeKey, insertUser } from "../fixtures/users";

/** GET /api/user/api-keys/models: the user's stored key, the provider's own list, a short cache, health. */
type ModelList = { providerId: string; models: { id: string; name: string }[]; fetchedAt: string };
type Row = { providerId: string; health: string; healthMessage: string | null; healthCheckedAt: string | null };

let fake: FakeProviders;
let ada: PublicUser;
let babbage: PublicUser;
const providers = {} as Record<RegistryId, ProviderRecord>;
const logs = captureLogs();
const secrets: string[] = [];
const answers: Answer[] = [];

function key(behaviour: string): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

async function models(as: PublicUser | undefined, query: string) {
  const answer = await call<ModelList>(modelsRoute.GET, { as, path: `/api/user/api-keys/models${query}` });
  answers.push(answer);
  return answer;
}
const modelsOf = (as: PublicUser, registryId: RegistryId) => models(as, `?providerId=${providers[registryId].id}`);

async function save(as: PublicUser, registryId: RegistryId, apiKey: string, skipValidation = false) {
  const answer = await call(keysRoute.POST, {
    method: "POST",
    as,
    body: { providerId: providers[registryId].id, apiKey, ...(skipValidation ? { skipValidation } : {}) },
  });
  expect(answer.status, answer.text).toBe(200);
}

async function rowOf(as: PublicUser, registryId: RegistryId): Promise<Row> {
  const list = await call<Row[]>(keysRoute.GET, { as });
  return list.json.find((r) => r.providerId === providers[registryId].id)!;
}

const listRequests = (registryId: RegistryId) =>
  fake.requests.filter((r) => r.registryId === registryId && r.path === "/models").length;

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
}

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 3_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
});
afterAll(() => fake.close());

describe("the models a stored key can reach", () => {
  it.each(PROVIDERS.map((p) => p.registryId))(
    "%s: every page of its own list endpoint, as the provider names them",
    async (registryId) => {
      await save(ada, registryId, key("valid"));
      const before = fake.requests.length;
      const answer = await modelsOf(ada, registryId);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.json.providerId).toBe(providers[registryId].id);
      expect(answer.json.models.map((m) => m.id)).toEqual([...FAKE_MODEL_IDS[registryId]].sort());
      expect(Date.parse(answer.json.fetchedAt)).not.toBeNaN();
      const pages = fake.requests.slice(before);
      expect(pages.every((r) => r.path === "/models" && r.method === "GET")).toBe(true);
      if (registryId !== "openrouter")
        expect(pages.every((r) => r.credential?.startsWith("sk-test-valid-"))).toBe(true);
      // Anthropic pages by has_more/after_id, Google by pageToken (the fake's pages are small on purpose).
      const expectedPages = { anthropic: 3, google: 3 } as Partial<Record<RegistryId, number>>;
      expect(pages).toHaveLength(expectedPages[registryId] ?? 1);
    },
  );

  it("names models as the provider displays them (Anthropic, Google)", async () => {
    expect((await modelsOf(ada, "anthropic")).json.models).toContainEqual({
      id: "claude-sonnet-4-5",
      name: "Claude Sonnet 4.5",
    });
    expect((await modelsOf(ada, "google")).json.models).toContainEqual({
      id: "gemini-2.5-flash",
      name: "Gemini 2.5 Flash",
    });
  });

  it("answers from a 10-minute cache per stored key: one read, nothing decrypted, the provider not asked", async () => {
    await save(babbage, "openai", key("valid"));
    await modelsOf(babbage, "openai");
    const asked = listRequests("openai");
    const cached = await countDecryptions(() => countStatements(() => modelsOf(babbage, "openai")));
    expect(cached.result.result.status).toBe(200);
    expect(cached.count).toBe(0);
    // The fixture's session row and the session check, then the provider row and the key row.
    expect(cached.result.count).toBe(4);
    expect(listRequests("openai")).toBe(asked);
    // A replaced key is a new cache entry: its list is asked for with the new key.
    const next = key("valid");
    await save(babbage, "openai", next);
    await modelsOf(babbage, "openai");
    expect(fake.requests.filter((r) => r.path === "/models").at(-1)!.credential).toBe(next);
  });

  it("updates the key's health from the provider's answer: a revoked key turns rejected (400), with an event", async () => {
    const carol = await insertUser("carol");
    const revoked = key("valid");
    await save(carol, "mistral", revoked);
    fake.revoke(revoked);
    try {
      const answer = await modelsOf(carol, "mistral");
      expectError(answer, 400, "invalid_api_key");
      expect(answer.json).toMatchObject({ error: "Mistral rejected this key." });
    } finally {
      fake.restore(revoked);
    }
    expect(await rowOf(carol, "mistral")).toMatchObject({
      health: "rejected",
      healthMessage: "Mistral rejected this key.",
    });
    const db = await getDb();
    const events = await db.select().from(keyEvent).where(eq(keyEvent.userId, carol.id)).orderBy(keyEvent.id);
    expect(events.map((e) => [e.type, e.detail])).toEqual([
      ["key_created", { checked: true, health: "ok", label: "Default" }],
      ["key_health_changed", { from: "ok", to: "rejected", source: "models", label: "Default" }],
    ]);
    // Back in service: the next fetch says so (nothing was cached from the failure).
    expect((await modelsOf(carol, "mistral")).status).toBe(200);
    expect((await rowOf(carol, "mistral")).health).toBe("ok");
  });

  it("a list in a shape no provider uses: 502 with our own sentence, health unreachable, nothing cached", async () => {
    const dave = await insertUser("dave");
    await save(dave, "groq", key("oddshape"), true);
    for (let attempt = 0; attempt < 2; attempt++) {
      const before = listRequests("groq");
      const answer = await modelsOf(dave, "groq");
      expectError(answer, 502, "provider_unreachable");
      expect(answer.json).toMatchObject({
        error: "Couldn't list its models: Groq gave an answer we did not recognise (HTTP 200).",
      });
      expect(listRequests("groq")).toBe(before + 1); // asked again: the failure was not cached
    }
    expect(await rowOf(dave, "groq")).toMatchObject({ health: "unreachable", healthCheckedAt: expect.any(String) });
  });

  it("a provider that fails or is too slow: 502, health unreachable", async () => {
    const erin = await insertUser("erin");
    vi.stubEnv("PROVIDER_TIMEOUT_MS", "500");
    try {
      for (const [registryId, behaviour] of [
        ["anthropic", "overloaded"],
        ["deepseek", "error500"],
        ["xai", "slow"],
        ["openai", "redirect"],
      ] as const) {
        await save(erin, registryId, key(behaviour), true);
        const answer = await modelsOf(erin, registryId);
        expectError(answer, 502, "provider_unreachable");
        expect((await rowOf(erin, registryId)).health).toBe("unreachable");
      }
    } finally {
      vi.stubEnv("PROVIDER_TIMEOUT_MS", "");
    }
  });

  it("a throttled key: 502 with the provider's verdict as our sentence, health limited", async () => {
    const frank = await insertUser("frank");
    await save(frank, "google", key("limited"));
    const answer = await modelsOf(frank, "google");
    expectError(answer, 502, "provider_unreachable");
    expect(answer.json).toMatchObject({
      error: "Google Gemini recognised this key but is rate-limiting it right now.",
    });
    expect((await rowOf(frank, "google")).health).toBe("limited");
  });

  it("OpenRouter's public list proves nothing: health is left as it was", async () => {
    const grace = await insertUser("grace");
    await save(grace, "openrouter", key("invalid"), true);
    expect((await modelsOf(grace, "openrouter")).status).toBe(200);
    expect((await rowOf(grace, "openrouter")).health).toBe("unchecked");
  });
});

describe("one key's models, by its id", () => {
  it("asks with that key alone, even when it is not the first; answers which key served", async () => {
    const erin = await insertUser("erin");
    await save(erin, "mistral", key("valid"));
    const second = key("valid");
    const added = await call<{ id: string }>(keysRoute.POST, {
      method: "POST",
      as: erin,
      body: { providerId: providers.mistral.id, apiKey: second, label: "Backup" },
    });
    expect(added.status, added.text).toBe(200);
    const answer = await models(erin, `?providerId=${providers.mistral.id}&id=${added.json.id}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ servedBy: { id: added.json.id, label: "Backup" } });
    expect(fake.requests.filter((r) => r.registryId === "mistral" && r.path === "/models").at(-1)!.credential).toBe(
      second,
    );
  });

  it("404 for another user's key or a key of another provider; 409 for a disabled key", async () => {
    const frank = await insertUser("frank");
    await save(frank, "xai", key("valid"));
    const [own] = (await call<{ id: string; providerId: string }[]>(keysRoute.GET, { as: frank })).json;
    expectError(await models(ada, `?providerId=${providers.xai.id}&id=${own!.id}`), 404, "api_key_not_found");
    expectError(await models(frank, `?providerId=${providers.openai.id}&id=${own!.id}`), 404, "api_key_not_found");
    await call(keysRoute.PATCH, {
      method: "PATCH",
      as: frank,
      body: { providerId: providers.xai.id, isEnabled: false },
    });
    expectError(await models(frank, `?providerId=${providers.xai.id}&id=${own!.id}`), 409, "api_key_disabled");
    expectError(await models(frank, `?providerId=${providers.xai.id}&id=not-a-uuid`), 400, "invalid_query");
  });
});

describe("bad requests", () => {
  it("401 without a session; 404 for an unknown provider, no key, or another user's key; 409 disabled", async () => {
    expectError(await models(undefined, `?providerId=${providers.openai.id}`), 401, "unauthorized");
    expectError(await models(ada, "?providerId=6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f"), 404, "provider_not_found");
    const heidi = await insertUser("heidi");
    expectError(await modelsOf(heidi, "openai"), 404, "api_key_not_found"); // Ada has one; Heidi does not
    await call(keysRoute.PATCH, {
      method: "PATCH",
      as: ada,
      body: { providerId: providers.groq.id, isEnabled: false },
    });
    expectError(await modelsOf(ada, "groq"), 409, "api_key_disabled");
  });

  it("409 api_key_undecryptable for a key the keyring can no longer open", async () => {
    const original = process.env.API_KEY_ENCRYPTION_KEYS!;
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", keyringEntry("other"));
    try {
      expectError(await modelsOf(ada, "deepseek"), 409, "api_key_undecryptable");
    } finally {
      vi.stubEnv("API_KEY_ENCRYPTION_KEYS", original);
    }
  });

  it("400 invalid_query naming the parameter", async () => {
    for (const query of [
      "",
      "?providerId=openai",
      `?providerId=${providers.openai.id}&extra=1`,
      `?providerId=${providers.openai.id}&providerId=${providers.openai.id}`,
    ]) {
      const answer = await models(ada, query);
      expectError(answer, 400, "invalid_query");
      expect(Object.keys((answer.json as unknown as { fields: object }).fields)).toHaveLength(1);
    }
  });

  it("403 with the flag off", async () => {
    vi.stubEnv("FEATURE_FLAGS", "showApiKeyManagement=false");
    try {
      expectError(await modelsOf(ada, "openai"), 403, "feature_disabled");
    } finally {
      vi.stubEnv("FEATURE_FLAGS", "");
    }
  });
});

describe("secrets", () => {
  it("never appear in an answer or a log line", () => {
    expect(secrets.length).toBeGreaterThan(12);
    const everything = [...answers.map((a) => a.text), ...logs].join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
