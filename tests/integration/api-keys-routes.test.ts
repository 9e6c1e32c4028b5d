import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as providersRoute from "@/app/api/providers/route";
import { getDb } from "@/lib/db/client";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { countStatements } from "@/dev/counters";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { APP_URL, type Answer, call, type CallOptions, sessionCookie } from "../fixtures/http";
import { keyringEntry } from "../fixtures/keyring";
import { captureLogs } from "../fixtures/logs";
import { fakeKey, insertUser } from "../fixtures/users";

type Row = {
  id: string;
  providerId: string;
  apiKey: string;
  isEnabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastValidatedAt: string | null;
  needsReentry: boolean;
  health: string;
  healthCheckedAt: string | null;
  healthMessage: string | null;
  lastUsedAt: string | null;
  usage?: { requests: number; inputTokens: number; outputTokens: number; errors: number };
};

let fake: FakeProviders;
let ada: PublicUser;
let babbage: PublicUser;
let openai: ProviderRecord;
let anthropic: ProviderRecord;
let google: ProviderRecord;
const logs = captureLogs();
const answers: Answer[] = [];
const secrets: string[] = [];

/** A key for the fake providers with its behaviour in it, remembered for the plaintext scans. */
function key(behaviour: string): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

const handlers = {
  GET: keysRoute.GET,
  POST: keysRoute.POST,
  DELETE: keysRoute.DELETE,
  PATCH: keysRoute.PATCH,
  TEST: testRoute.POST,
  PROVIDERS: providersRoute.GET,
};

async function api<T = unknown>(route: keyof typeof handlers, options: CallOptions = {}): Promise<Answer<T>> {
  const method = route === "TEST" ? "POST" : route === "PROVIDERS" ? "GET" : route;
  const path = route === "TEST" ? "/api/user/api-keys/test" : route === "PROVIDERS" ? "/api/providers" : undefined;
  const answer = await call<T>(handlers[route], { method, path, ...options });
  answers.push(answer);
  return answer;
}

async function tableSnapshot() {
  const db = await getDb();
  return JSON.stringify(await db.select().from(userApiKey).orderBy(userApiKey.id));
}

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
  expect((answer.json as { error: string }).error.length).toBeGreaterThan(5);
}

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 5_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
  google = (await getProviderByRegistryId("google"))!;
});

afterAll(async () => {
  await fake.close();
});

describe("every route", () => {
  const routes = ["GET", "POST", "DELETE", "PATCH", "TEST"] as const;
  const bodies = {
    GET: undefined,
    POST: () => ({ providerId: openai.id, apiKey: key("valid") }),
    DELETE: () => ({ providerId: openai.id }),
    PATCH: () => ({ providerId: openai.id, isEnabled: false }),
    TEST: () => ({ providerId: openai.id, apiKey: key("valid") }),
  };

  it.each(routes)("%s answers 401 without a session", async (route) => {
    expectError(await api(route, { body: bodies[route]?.() }), 401, "unauthorized");
  });

  it.each(routes)("%s answers 401 for a forged or expired-looking session cookie", async (route) => {
    const answer = await api(route, {
      body: bodies[route]?.(),
      headers: { cookie: "next-auth.session-token=forged.jwt.value" },
    });
    expectError(answer, 401, "unauthorized");
  });

  it("reads next-auth's __Secure- cookie when the site is served over https behind a proxy", async () => {
    const { sessionCookie } = await import("../fixtures/http");
    const cookie = (await sessionCookie(ada)).replace("next-auth.session-token", "__Secure-next-auth.session-token");
    const answer = await api("GET", { headers: { cookie, "x-forwarded-proto": "https" } });
    expect(answer.status, answer.text).toBe(200);
    expectError(await api("GET", { headers: { cookie } }), 401, "unauthorized");
  });

  it("reads a session token next-auth split over several cookies, or sent as a Bearer header", async () => {
    const { sessionCookie } = await import("../fixtures/http");
    const token = (await sessionCookie(ada)).split("=")[1]!;
    const half = Math.ceil(token.length / 2);
    const chunked = `next-auth.session-token.0=${token.slice(0, half)}; next-auth.session-token.1=${token.slice(half)}`;
    expect((await api("GET", { headers: { cookie: chunked } })).status).toBe(200);
    expect((await api("GET", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expectError(
      await api("GET", { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } }),
      401,
      "unauthorized",
    );
  });

  it.each(routes)("%s answers 403 with the flag off, and changes nothing", async (route) => {
    const before = await tableSnapshot();
    vi.stubEnv("FEATURE_FLAGS", "showApiKeyManagement=false");
    try {
      expectError(await api(route, { as: ada, body: bodies[route]?.() }), 403, "feature_disabled");
    } finally {
      vi.stubEnv("FEATURE_FLAGS", "");
    }
    expect(await tableSnapshot()).toBe(before);
  });
});

describe("the key lifecycle", () => {
  it("starts empty", async () => {
    const answer = await api<Row[]>("GET", { as: ada });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([]);
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("saves a valid key after asking the provider, and answers it masked", async () => {
    const secret = key("valid");
    const answer = await api<Row & { validation: unknown }>("POST", {
      as: ada,
      body: { providerId: openai.id, apiKey: secret },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      providerId: openai.id,
      apiKey: `${secret.slice(0, 4)}${"*".repeat(secret.length - 8)}${secret.slice(-4)}`,
      isEnabled: true,
      needsReentry: false,
      lastValidatedAt: expect.any(String),
      health: "ok",
      healthCheckedAt: answer.json.lastValidatedAt,
      healthMessage: "Verified with OpenAI: the key can list models.",
      lastUsedAt: null,
      validation: { status: "valid", message: "Verified with OpenAI: the key can list models." },
    });
    expect(fake.requests.at(-1)).toMatchObject({ registryId: "openai", path: "/models", credential: secret });

    const list = await api<Row[]>("GET", { as: ada });
    expect(list.json).toEqual([
      {
        id: answer.json.id,
        providerId: openai.id,
        apiKey: answer.json.apiKey,
        isEnabled: true,
        label: "Default",
        position: 0,
        expiresAt: null,
        createdAt: answer.json.createdAt,
        updatedAt: answer.json.updatedAt,
        lastValidatedAt: answer.json.lastValidatedAt,
        needsReentry: false,
        health: "ok",
        healthCheckedAt: answer.json.healthCheckedAt,
        healthMessage: answer.json.healthMessage,
        lastUsedAt: null,
        budget: null,
        usage: { requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 },
      },
    ]);
  });

  it("rejects a key the provider rejects (400 invalid_api_key) and keeps the old one", async () => {
    const before = await tableSnapshot();
    const answer = await api("POST", { as: ada, body: { providerId: openai.id, apiKey: key("invalid") } });
    expectError(answer, 400, "invalid_api_key");
    expect(answer.json).toMatchObject({ error: "OpenAI rejected this key." });
    expect(await tableSnapshot()).toBe(before);
  });

  it("answers 502 provider_unreachable and saves nothing when the provider fails or is too slow", async () => {
    vi.stubEnv("PROVIDER_TIMEOUT_MS", "600");
    for (const behaviour of ["error500", "malformed", "redirect", "slow"]) {
      const before = await tableSnapshot();
      const answer = await api("POST", { as: ada, body: { providerId: anthropic.id, apiKey: key(behaviour) } });
      expectError(answer, 502, "provider_unreachable");
      expect((answer.json as { error: string }).error).toMatch(/^Couldn't (reach|check).*Anthropic/);
      expect(await tableSnapshot()).toBe(before);
    }
    vi.stubEnv("PROVIDER_TIMEOUT_MS", "");
  });

  it("saves without a check when asked to (skipValidation), leaving lastValidatedAt empty", async () => {
    const since = fake.requests.length;
    const answer = await api<Row>("POST", {
      as: ada,
      body: { providerId: anthropic.id, apiKey: key("slow"), skipValidation: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ providerId: anthropic.id, lastValidatedAt: null, validation: null });
    expect(fake.requests.length).toBe(since);
  });

  it("saves a limited key and says so", async () => {
    const answer = await api<Row>("POST", { as: ada, body: { providerId: google.id, apiKey: key("limited") } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ providerId: google.id, validation: { status: "limited" } });
  });

  it("toggles with PATCH and deletes with DELETE", async () => {
    const off = await api<Row>("PATCH", { as: ada, body: { providerId: google.id, isEnabled: false } });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ providerId: google.id, isEnabled: false });
    const on = await api<Row>("PATCH", { as: ada, body: { providerId: google.id, isEnabled: true } });
    expect(on.json.isEnabled).toBe(true);

    const removed = await api("DELETE", { as: ada, body: { providerId: google.id } });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ success: true });
    expectError(await api("DELETE", { as: ada, body: { providerId: google.id } }), 404, "api_key_not_found");
    expectError(
      await api("PATCH", { as: ada, body: { providerId: google.id, isEnabled: true } }),
      404,
      "api_key_not_found",
    );
  });

  it("answers 404 for an unknown provider and 400 for an id that is not one", async () => {
    const unknown = "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f";
    expectError(
      await api("POST", { as: ada, body: { providerId: unknown, apiKey: key("valid") } }),
      404,
      "provider_not_found",
    );
    expectError(
      await api("TEST", { as: ada, body: { providerId: unknown, apiKey: key("valid") } }),
      404,
      "provider_not_found",
    );
    expectError(await api("DELETE", { as: ada, body: { providerId: unknown } }), 404, "api_key_not_found");
    expectError(
      await api("POST", { as: ada, body: { providerId: "openai", apiKey: key("valid") } }),
      400,
      "invalid_body",
    );
  });
});

describe("testing a key", () => {
  it("tests a given key without saving it", async () => {
    const before = await tableSnapshot();
    const good = await api("TEST", { as: babbage, body: { providerId: openai.id, apiKey: key("valid") } });
    expect(good.status).toBe(200);
    expect(good.json).toEqual({
      valid: true,
      status: "valid",
      message: "Verified with OpenAI: the key can list models.",
      httpStatus: 200,
    });
    const bad = await api("TEST", { as: babbage, body: { providerId: openai.id, apiKey: key("invalid") } });
    expect(bad.json).toMatchObject({ valid: false, status: "invalid", message: "OpenAI rejected this key." });
    const down = await api("TEST", { as: babbage, body: { providerId: openai.id, apiKey: key("error500") } });
    expect(down.json).toMatchObject({ valid: false, status: "unreachable" });
    expect(await tableSnapshot()).toBe(before);
  });

  it("tests the stored key when no key is given, and stamps lastValidatedAt", async () => {
    const [row] = (await api<Row[]>("GET", { as: ada })).json.filter((r) => r.providerId === openai.id);
    const answer = await api("TEST", { as: ada, body: { providerId: openai.id } });
    expect(answer.json).toMatchObject({ valid: true, status: "valid" });
    const [after] = (await api<Row[]>("GET", { as: ada })).json.filter((r) => r.providerId === openai.id);
    expect(new Date(after!.lastValidatedAt!).getTime()).toBeGreaterThan(new Date(row!.lastValidatedAt!).getTime());
  });

  it("answers 404 when there is no stored key to test", async () => {
    expectError(await api("TEST", { as: babbage, body: { providerId: openai.id } }), 404, "api_key_not_found");
  });

  it("answers undecryptable for a stored key the keyring cannot open, and lists it as needing re-entry", async () => {
    const original = process.env.API_KEY_ENCRYPTION_KEYS!;
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", keyringEntry("new"));
    try {
      const answer = await api("TEST", { as: ada, body: { providerId: openai.id } });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        valid: false,
        status: "undecryptable",
        message: expect.stringMatching(/enter it again/),
      });
      const list = await api<Row[]>("GET", { as: ada });
      expect(list.json.find((r) => r.providerId === openai.id)?.needsReentry).toBe(true);
    } finally {
      vi.stubEnv("API_KEY_ENCRYPTION_KEYS", original);
    }
  });
});

describe("two users", () => {
  it("never see or change each other's keys", async () => {
    await api("POST", { as: babbage, body: { providerId: anthropic.id, apiKey: key("valid") } });
    const adaBefore = (await api<Row[]>("GET", { as: ada })).json;
    const babbageList = (await api<Row[]>("GET", { as: babbage })).json;
    expect(babbageList.map((r) => r.providerId)).toEqual([anthropic.id]);
    expect(babbageList.map((r) => r.id)).not.toContain(adaBefore.find((r) => r.providerId === anthropic.id)?.id);

    // Babbage aims at providers only Ada has keys for.
    expectError(await api("DELETE", { as: babbage, body: { providerId: openai.id } }), 404, "api_key_not_found");
    expectError(
      await api("PATCH", { as: babbage, body: { providerId: openai.id, isEnabled: false } }),
      404,
      "api_key_not_found",
    );
    expectError(await api("TEST", { as: babbage, body: { providerId: openai.id } }), 404, "api_key_not_found");
    // Changing his own Anthropic key leaves Ada's alone.
    await api("PATCH", { as: babbage, body: { providerId: anthropic.id, isEnabled: false } });
    await api("DELETE", { as: babbage, body: { providerId: anthropic.id } });
    expect((await api<Row[]>("GET", { as: ada })).json).toEqual(adaBefore);

    const adaProviders = (await api<{ id: string; hasApiKey: boolean }[]>("PROVIDERS", { as: ada })).json;
    const babbageProviders = (await api<{ id: string; hasApiKey: boolean }[]>("PROVIDERS", { as: babbage })).json;
    expect(adaProviders.find((p) => p.id === openai.id)?.hasApiKey).toBe(true);
    expect(babbageProviders.find((p) => p.id === openai.id)?.hasApiKey).toBe(false);
  });
});

describe("GET /api/providers", () => {
  it("lists the catalogue for the signed-in user", async () => {
    const answer = await api<Record<string, unknown>[]>("PROVIDERS", { as: ada });
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(8);
    expect(answer.json[0]).toEqual({
      id: openai.id,
      registryId: "openai",
      name: "OpenAI",
      description: expect.any(String),
      hasApiKey: true,
      isEnabled: true,
      fallback: true,
    });
    expectError(await api("PROVIDERS"), 401, "unauthorized");
  });

  it("answers in one SQL statement, with only the signed-in user's keys", async () => {
    const withKey = (answer: Answer<{ id: string; hasApiKey: boolean }[]>) =>
      answer.json
        .filter((p) => p.hasApiKey)
        .map((p) => p.id)
        .sort();
    const keysOf = async (user: PublicUser) =>
      (await api<Row[]>("GET", { as: user })).json.map((k) => k.providerId).sort();
    const cookie = await sessionCookie(babbage); // its session row is written here, not counted below
    const counted = await countStatements(() =>
      api<{ id: string; hasApiKey: boolean }[]>("PROVIDERS", { headers: { cookie } }),
    );
    expect(counted.count).toBe(1);
    expect(withKey(counted.result)).toEqual(await keysOf(babbage));
    const adas = await api<{ id: string; hasApiKey: boolean }[]>("PROVIDERS", { as: ada });
    expect(withKey(adas)).toEqual(await keysOf(ada));
    expect(withKey(adas)).not.toEqual(withKey(counted.result));
  });
});

describe("request hygiene", () => {
  it("refuses state changes from another origin (403) but accepts our own", async () => {
    const before = await tableSnapshot();
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of foreign) {
      expectError(
        await api("POST", { as: ada, headers, body: { providerId: openai.id, apiKey: key("valid") } }),
        403,
        "cross_origin",
      );
      expectError(await api("DELETE", { as: ada, headers, body: { providerId: openai.id } }), 403, "cross_origin");
    }
    expect(await tableSnapshot()).toBe(before);
    const ours = await api("PATCH", {
      as: ada,
      headers: { origin: APP_URL, "sec-fetch-site": "same-origin" },
      body: { providerId: openai.id, isEnabled: true },
    });
    expect(ours.status).toBe(200);
  });

  it("answers 415 for a body that is not JSON, 413 for one over 16 KiB, 400 for broken JSON", async () => {
    const body = JSON.stringify({ providerId: openai.id, apiKey: key("valid") });
    expectError(
      await api("POST", { as: ada, raw: body, headers: { "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    expectError(await api("POST", { as: ada, raw: body }), 415, "unsupported_media_type");
    expectError(
      await api("POST", { as: ada, raw: body, headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    const huge = JSON.stringify({ providerId: openai.id, apiKey: "x".repeat(17 * 1024) });
    expectError(
      await api("POST", { as: ada, raw: huge, headers: { "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
    expectError(
      await api("POST", { as: ada, raw: '{"providerId":', headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
  });

  it("limits validations per user (429 with Retry-After) while other users carry on", async () => {
    const carol = await insertUser("carol");
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const answer = await api("TEST", { as: carol, body: { providerId: openai.id, apiKey: key("valid") } });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(limited).toBeDefined();
    expectError(limited!, 429, "rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    // Saving with validation counts too; the limit is Carol's alone.
    expectError(
      await api("POST", { as: carol, body: { providerId: openai.id, apiKey: key("valid") } }),
      429,
      "rate_limited",
    );
    expect((await api("TEST", { as: babbage, body: { providerId: openai.id, apiKey: key("valid") } })).status).toBe(
      200,
    );
  });
});

describe("bad input", () => {
  const valid = () => ({ providerId: openai.id, apiKey: key("valid") });
  const corpus: [string, () => unknown][] = [
    ["null", () => null],
    ["a number", () => 42],
    ["a string", () => "hello"],
    ["an array", () => [valid()]],
    ["true", () => true],
    ["an empty object", () => ({})],
    ["providerId missing", () => ({ apiKey: key("valid") })],
    ["apiKey missing", () => ({ providerId: openai.id })],
    ["providerId a number", () => ({ providerId: 1, apiKey: key("valid") })],
    ["providerId null", () => ({ providerId: null, apiKey: key("valid") })],
    ["providerId an object", () => ({ providerId: { id: openai.id }, apiKey: key("valid") })],
    ["providerId an array", () => ({ providerId: [openai.id], apiKey: key("valid") })],
    ["providerId empty", () => ({ providerId: "", apiKey: key("valid") })],
    ["providerId SQL", () => ({ providerId: "' OR 1=1 --", apiKey: key("valid") })],
    ["providerId with NUL", () => ({ providerId: `${openai.id}\u0000`, apiKey: key("valid") })],
    ["providerId huge", () => ({ providerId: "a".repeat(10_000), apiKey: key("valid") })],
    ["apiKey a number", () => ({ providerId: openai.id, apiKey: 12345678901234 })],
    ["apiKey null", () => ({ providerId: openai.id, apiKey: null })],
    ["apiKey true", () => ({ providerId: openai.id, apiKey: true })],
    ["apiKey an object", () => ({ providerId: openai.id, apiKey: { key: "sk" } })],
    ["apiKey an array", () => ({ providerId: openai.id, apiKey: ["sk-test-valid-1"] })],
    ["apiKey empty", () => ({ providerId: openai.id, apiKey: "" })],
    ["apiKey blank", () => ({ providerId: openai.id, apiKey: "     " })],
    ["apiKey with NUL", () => ({ providerId: openai.id, apiKey: `${key("valid")}\u0000` })],
    ["apiKey with LF", () => ({ providerId: openai.id, apiKey: `${key("valid")}\n` })],
    ["apiKey with CR LF inside", () => ({ providerId: openai.id, apiKey: `sk-test-valid\r\nX-Injected: 1` })],
    ["apiKey with TAB", () => ({ providerId: openai.id, apiKey: `sk-test\tvalid-1` })],
    ["apiKey with DEL", () => ({ providerId: openai.id, apiKey: `sk-test-valid-1\u007f` })],
    ["apiKey with ESC", () => ({ providerId: openai.id, apiKey: `\u001b[31msk-test-valid-1` })],
    ["apiKey too long", () => ({ providerId: openai.id, apiKey: `sk-test-valid-${"a".repeat(2000)}` })],
    ["apiKey a unicode line separator only", () => ({ providerId: openai.id, apiKey: "\u0085" })],
    ["apiKey with curly quotes", () => ({ providerId: openai.id, apiKey: `“${key("valid")}”` })],
    ["apiKey with an ellipsis", () => ({ providerId: openai.id, apiKey: `sk-test-valid-abc…xyz` })],
    ["apiKey with an emoji", () => ({ providerId: openai.id, apiKey: `sk-test-valid-🔑-1234` })],
    ["apiKey with a space inside", () => ({ providerId: openai.id, apiKey: `sk-test-valid 1234567890` })],
    ["an extra field", () => ({ ...valid(), admin: true })],
    ["a userId field", () => ({ ...valid(), userId: babbage.id })],
    ["an id field", () => ({ ...valid(), id: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" })],
    [
      "__proto__",
      () => JSON.parse(`{"providerId":"${openai.id}","apiKey":"${key("valid")}","__proto__":{"isAdmin":true}}`),
    ],
    ["constructor", () => ({ ...valid(), constructor: { prototype: { x: 1 } } })],
    ["skipValidation a string", () => ({ ...valid(), skipValidation: "true" })],
    ["skipValidation a number", () => ({ ...valid(), skipValidation: 1 })],
    ["isEnabled given to POST", () => ({ ...valid(), isEnabled: false })],
    ["nested body", () => ({ body: valid() })],
  ];

  it("has a corpus of at least 40 bodies", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it.each(corpus)("POST with %s: a clear 4xx, nothing changed", async (_name, body) => {
    const before = await tableSnapshot();
    const answer = await api("POST", {
      as: ada,
      raw: JSON.stringify(body()),
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.json).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expect(await tableSnapshot()).toBe(before);
  });

  const otherBodies: [keyof typeof handlers, string, unknown][] = [
    ["PATCH", "isEnabled a string", { providerId: "x", isEnabled: "false" }],
    ["PATCH", "isEnabled missing", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" }],
    ["PATCH", "isEnabled null", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", isEnabled: null }],
    ["PATCH", "an extra field", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", isEnabled: true, apiKey: "x" }],
    ["DELETE", "an empty object", {}],
    ["DELETE", "providerId a number", { providerId: 7 }],
    ["DELETE", "an array", [{ providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" }]],
    ["TEST", "apiKey blank", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", apiKey: "  " }],
    ["TEST", "apiKey with NUL", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", apiKey: "a\u0000b" }],
    ["TEST", "an extra field", { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", save: true }],
  ];

  it.each(otherBodies)("%s with %s: a clear 4xx, nothing changed", async (route, _name, body) => {
    const before = await tableSnapshot();
    const answer = await api(route, {
      as: ada,
      raw: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expectError(answer, 400, "invalid_body");
    expect(await tableSnapshot()).toBe(before);
  });

  it("names the field at fault", async () => {
    const answer = await api<{ error: string; fields: Record<string, string> }>("POST", {
      as: ada,
      body: { providerId: openai.id, apiKey: "  " },
    });
    expect(answer.json.error).toBe("apiKey: Enter an API key.");
    expect(answer.json.fields).toEqual({ apiKey: "Enter an API key." });
    const extra = await api<{ error: string }>("POST", { as: ada, body: { ...valid(), admin: true } });
    expect(extra.json.error).toBe('admin: "admin" is not an accepted field.');
    const missing = await api<{ error: string }>("PATCH", { as: ada, body: { providerId: openai.id } });
    expect(missing.json.error).toBe("isEnabled: This field is required.");
  });

  it("answers an empty body or non-UTF-8 bytes with 400", async () => {
    expectError(
      await api("POST", { as: ada, raw: "", headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expectError(
      await api("POST", {
        as: ada,
        raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
  });
});

describe("secrets", () => {
  it("never appear in a response body or a log line", () => {
    expect(secrets.length).toBeGreaterThan(60);
    expect(answers.length).toBeGreaterThan(100);
    const everything = [...answers.map((a) => a.text), ...logs].join("\n");
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
  });

  it("are stored only as ciphertext", async () => {
    const dump = await tableSnapshot();
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});
