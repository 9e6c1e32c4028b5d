import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as modelsRoute from "@/app/api/user/api-keys/models/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import { getDb } from "@/lib/db/client";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { type FakeProviders, type RecordedRequest, startFakeProviders } from "@/dev/fake-providers/server";
import { type Answer, call, type CallOptions, sessionCookie } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { refusedByDns } from "../fixtures/refusal-corpus";
import { startTraps, type Traps } from "../fixtures/traps";
import { fakeKey, insertUser } from "../fixtures/users";

// Host names resolve through the corpus's test resolver (tests/fixtures/refusal-corpus.ts), never real DNS.
vi.mock("node:dns/promises", async (importOriginal) => {
  const { resolveTestName } = await import("../fixtures/refusal-corpus");
  const original = await importOriginal<typeof import("node:dns/promises")>();
  const lookup = async (hostname: string) => resolveTestName(hostname);
  return { ...original, default: { ...original, lookup }, lookup };
});

type Row = { providerId: string; apiKey: string; isEnabled: boolean; lastValidatedAt: string | null };

let fake: FakeProviders;
let traps: Traps;
let ada: PublicUser;
let babbage: PublicUser;
let vllm: string; // Ada's endpoint that wants a key
let ollama: string; // Ada's endpoint that needs none
const logs = captureLogs();
const answers: Answer[] = [];
const secrets: string[] = [];

function key(behaviour: string): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

const handlers = {
  SAVE: [keysRoute.POST, "POST"],
  TEST: [testRoute.POST, "POST"],
  LIST: [keysRoute.GET, "GET"],
  TOGGLE: [keysRoute.PATCH, "PATCH"],
  DELETE: [keysRoute.DELETE, "DELETE"],
} as const;

async function api<T = Record<string, unknown>>(
  route: keyof typeof handlers,
  options: CallOptions,
): Promise<Answer<T>> {
  const [handler, method] = handlers[route];
  const answer = await call<T>(handler, {
    method,
    path: route === "TEST" ? "/api/user/api-keys/test" : "/api/user/api-keys",
    ...options,
  });
  answers.push(answer);
  return answer;
}

async function addEndpoint(as: PublicUser, name: string, baseUrl: string): Promise<string> {
  const answer = await call<{ id: string }>(endpointsRoute.POST, {
    method: "POST",
    path: "/api/user/endpoints",
    as,
    body: { name, baseUrl },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.json.id;
}

const chatBody = (providerId: string) => ({
  providerId,
  model: "llama3.2:3b",
  messages: [{ role: "user", content: "Hi" }],
});

const tableSnapshot = async () =>
  JSON.stringify(await (await getDb()).select().from(userApiKey).orderBy(userApiKey.id));

function expectError(answer: Answer, status: number, code: string, message?: string | RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
  if (message) expect((answer.json as unknown as { error: string }).error).toMatch(message);
}

/** The requests the fake saw during `work`. */
async function seen(work: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const since = fake.requests.length;
  await work();
  return fake.requests.slice(since);
}

beforeAll(async () => {
  traps = await startTraps();
  fake = await startFakeProviders({ slowMs: 5_000, redirectTo: `http://127.0.0.2:${traps.port}/latest/meta-data` });
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
});

afterAll(async () => {
  await fake.close();
  await traps.close();
});

beforeEach(() => {
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
  vi.stubEnv("PROVIDER_TIMEOUT_MS", "");
});

describe("a key for a custom endpoint", () => {
  beforeAll(async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    vllm = await addEndpoint(ada, "Ada's vLLM", fake.endpointURL("keyed"));
    ollama = await addEndpoint(ada, "Ada's Ollama", fake.endpointURL("open"));
  });

  it("is saved after GET <baseUrl>/models answers to it as a Bearer token", async () => {
    const secret = key("valid");
    const [request] = await seen(async () => {
      const saved = await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: secret } });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.json).toMatchObject({
        providerId: vllm,
        apiKey: `${secret.slice(0, 4)}${"*".repeat(secret.length - 8)}${secret.slice(-4)}`,
        validation: { status: "valid", message: "Verified with Ada's vLLM: the key can list models." },
      });
    });
    expect(request).toMatchObject({ registryId: "custom", method: "GET", path: "/models", credential: secret });
    expect(request!.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it("a key the endpoint rejects is a 400, and the saved one stays", async () => {
    const before = await tableSnapshot();
    expectError(
      await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: key("invalid") } }),
      400,
      "invalid_api_key",
      "Ada's vLLM rejected this key.",
    );
    expect(await tableSnapshot()).toBe(before);
  });

  it("an endpoint that fails, answers HTML, answers huge or answers slowly: 502 with our own sentence, nothing saved", async () => {
    const cases: [string, string][] = [
      ["error500", "Couldn't reach Ada's vLLM to check the key (it answered with an error, HTTP 500)."],
      ["malformed", "Couldn't check the key: Ada's vLLM gave an answer we did not recognise (HTTP 200)."],
      ["huge", "Couldn't check the key: Ada's vLLM answered with more than 1 MiB."],
      ["slow", "Couldn't reach Ada's vLLM to check the key (timed out after 0.6 s)."],
    ];
    for (const [behaviour, sentence] of cases) {
      // Only the slow one gets the short bound (its fake answers seconds later): the others' answers must be read
      // whole, as slowly as a busy machine reads them.
      vi.stubEnv("PROVIDER_TIMEOUT_MS", behaviour === "slow" ? "600" : "");
      const before = await tableSnapshot();
      expectError(
        await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: key(behaviour) } }),
        502,
        "provider_unreachable",
        sentence,
      );
      expect(await tableSnapshot()).toBe(before);
    }
  });

  it("a redirect to a blocked address is not followed: 400 endpoint_not_allowed, the trap untouched", async () => {
    const before = await tableSnapshot();
    const answer = await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: key("redirect") } });
    expectError(
      answer,
      400,
      "endpoint_not_allowed",
      /redirect \(to http:\/\/127\.0\.0\.2:\d+, itself refused: .*\), and redirects are never followed/,
    );
    expect(await tableSnapshot()).toBe(before);
    expect(traps.connections).toEqual([]);
  });

  it("lists the models the endpoint names, asked with the stored key as a Bearer token", async () => {
    // A user of its own: each model list not answered from the cache counts against the user's provider checks.
    const carol = await insertUser("carol");
    const lab = await addEndpoint(carol, "Carol's lab", fake.endpointURL("keyed"));
    const secret = key("valid");
    expect((await api("SAVE", { as: carol, body: { providerId: lab, apiKey: secret } })).status).toBe(200);
    const [request, ...more] = await seen(async () => {
      const answer = await call<{ providerId: string; models: { id: string }[] }>(modelsRoute.GET, {
        as: carol,
        path: `/api/user/api-keys/models?providerId=${lab}`,
      });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json.models.map((m) => m.id)).toEqual(["llama3.2:3b", "qwen2.5-coder:7b"]);
    });
    expect(more).toEqual([]);
    expect(request).toMatchObject({ registryId: "custom", method: "GET", path: "/models", credential: secret });
    // Another user asking for Carol's endpoint finds nothing.
    expectError(
      await call(modelsRoute.GET, { as: babbage, path: `/api/user/api-keys/models?providerId=${lab}` }),
      404,
      "provider_not_found",
    );
  });

  it("is tested as given or as stored, toggled and deleted through the key routes", async () => {
    expect((await api("TEST", { as: ada, body: { providerId: vllm, apiKey: key("valid") } })).json).toMatchObject({
      valid: true,
      status: "valid",
    });
    expect((await api("TEST", { as: ada, body: { providerId: vllm, apiKey: key("invalid") } })).json).toMatchObject({
      status: "invalid",
    });
    const stored = await api("TEST", { as: ada, body: { providerId: vllm } });
    expect(stored.json).toMatchObject({ valid: true, message: "Verified with Ada's vLLM: the key can list models." });
    expect((await api<Row>("TOGGLE", { as: ada, body: { providerId: vllm, isEnabled: false } })).json.isEnabled).toBe(
      false,
    );
    expect((await api("DELETE", { as: ada, body: { providerId: vllm } })).json).toEqual({ success: true });
    expectError(await api("TEST", { as: ada, body: { providerId: vllm } }), 404, "api_key_not_found");
  });
});

describe("an endpoint without a key", () => {
  it("is saved with apiKey null: an empty mask, and requests with no Authorization header", async () => {
    const requests = await seen(async () => {
      const saved = await api<Row & { validation: unknown }>("SAVE", {
        as: ada,
        body: { providerId: ollama, apiKey: null },
      });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.json).toMatchObject({
        apiKey: "",
        validation: {
          status: "valid",
          message: "Verified with Ada's Ollama: it lets anyone list models without a key.",
        },
      });
      expect((await api("TEST", { as: ada, body: { providerId: ollama } })).json).toMatchObject({ valid: true });
    });
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.headers.authorization).toBeUndefined();
    expect((await api<Row[]>("LIST", { as: ada })).json.find((row) => row.providerId === ollama)).toMatchObject({
      apiKey: "",
      isEnabled: true,
    });
  });

  it("is refused by an endpoint that wants a key, in words that say so", async () => {
    expectError(
      await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: null } }),
      400,
      "invalid_api_key",
      "Ada's vLLM asks for a key: it refused the request without one.",
    );
    expect((await api("TEST", { as: ada, body: { providerId: vllm, apiKey: null } })).json).toMatchObject({
      valid: false,
      status: "invalid",
    });
  });

  it("is never accepted for a built-in provider", async () => {
    const openai = (await getProviderByRegistryId("openai"))!;
    const before = await tableSnapshot();
    for (const body of [
      { providerId: openai.id, apiKey: null },
      { providerId: openai.id, apiKey: null, skipValidation: true },
    ]) {
      const answer = await api<{ fields: Record<string, string> }>("SAVE", { as: ada, body });
      expectError(answer, 400, "invalid_body", "apiKey: OpenAI needs an API key.");
      expect(answer.json.fields).toEqual({ apiKey: "OpenAI needs an API key." });
    }
    expectError(await api("TEST", { as: ada, body: { providerId: openai.id, apiKey: null } }), 400, "invalid_body");
    expect(await tableSnapshot()).toBe(before);
  });
});

describe("names that resolve to refused addresses", () => {
  it("every name of the corpus: 400 endpoint_not_allowed on save and test, nothing saved, no connection", async () => {
    const corpus = refusedByDns(traps.port);
    const before = await tableSnapshot();
    for (const [what, baseUrl, why] of corpus) {
      const owner = await insertUser("dns"); // each user has their own budget of key checks
      const endpoint = await addEndpoint(owner, what.slice(0, 40), baseUrl); // a name is judged when it is used
      const save = await api("SAVE", { as: owner, body: { providerId: endpoint, apiKey: key("valid") } });
      expectError(save, 400, "endpoint_not_allowed", why);
      expectError(
        await api("TEST", { as: owner, body: { providerId: endpoint, apiKey: key("valid") } }),
        400,
        "endpoint_not_allowed",
        why,
      );
      expectError(
        await api("TEST", { as: owner, body: { providerId: endpoint, apiKey: null } }),
        400,
        "endpoint_not_allowed",
        why,
      );
    }
    expect(await tableSnapshot()).toBe(before);
    expect(traps.connections).toEqual([]);
  });

  it("a chat with each: 400 endpoint_not_allowed JSON before any streaming, as the key routes answer, no connection", async () => {
    const corpus = refusedByDns(traps.port);
    for (const [what, baseUrl, why] of corpus) {
      const owner = await insertUser("dns-chat");
      const endpoint = await addEndpoint(owner, what.slice(0, 40), baseUrl);
      // Saved without the check (skipValidation), as a key saved before the name moved would be.
      expect(
        (await api("SAVE", { as: owner, body: { providerId: endpoint, apiKey: key("valid"), skipValidation: true } }))
          .status,
      ).toBe(200);
      const answer = await call(chatRoute.POST, {
        method: "POST",
        path: "/api/chat",
        as: owner,
        body: chatBody(endpoint),
      });
      expect(answer.headers.get("content-type"), what).toMatch(/^application\/json/);
      expectError(answer, 400, "endpoint_not_allowed", why);
    }
    expect(traps.connections).toEqual([]);
  });

  it("an endpoint stored while its host was allowed is refused once ALLOWED_ENDPOINT_HOSTS drops it", async () => {
    const secret = key("valid");
    const endpoint = await addEndpoint(babbage, "Was allowed", fake.endpointURL("keyed"));
    expect((await api("SAVE", { as: babbage, body: { providerId: endpoint, apiKey: secret } })).status).toBe(200);
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "");
    const requests = await seen(async () => {
      expectError(
        await api("TEST", { as: babbage, body: { providerId: endpoint } }),
        400,
        "endpoint_not_allowed",
        /plain http:\/\//,
      );
      const chat = await call(chatRoute.POST, {
        method: "POST",
        path: "/api/chat",
        as: babbage,
        body: chatBody(endpoint),
      });
      expectError(chat, 400, "endpoint_not_allowed", /plain http:\/\//);
    });
    expect(requests).toEqual([]);
  });
});

describe("no credential crosses over", () => {
  it("an endpoint receives its user's own key for it, or nothing: never a server, env, built-in or other user's key", async () => {
    const server = {
      OPENAI_API_KEY: `sk-server-openai-${fakeKey("")}`,
      ANTHROPIC_API_KEY: `sk-ant-server-${fakeKey("")}`,
      OPENAI_COMPATIBLE_API_KEY: `sk-server-compat-${fakeKey("")}`,
      // Built-in overrides never apply to endpoints: this one points at a trap.
      PROVIDER_BASE_URL_CUSTOM: `http://127.0.0.1:${traps.port}/custom`,
    };
    for (const [name, value] of Object.entries(server)) vi.stubEnv(name, value);
    const openai = (await getProviderByRegistryId("openai"))!;
    const adaOpenAi = key("valid");
    expect((await api("SAVE", { as: ada, body: { providerId: openai.id, apiKey: adaOpenAi } })).status).toBe(200);
    const babbageEndpoint = await addEndpoint(babbage, "Babbage's", fake.endpointURL("keyed"));
    const babbageKey = key("valid");
    expect((await api("SAVE", { as: babbage, body: { providerId: babbageEndpoint, apiKey: babbageKey } })).status).toBe(
      200,
    );
    const adaKey = key("valid");

    const requests = await seen(async () => {
      await api("SAVE", { as: ada, body: { providerId: vllm, apiKey: adaKey } });
      await api("TEST", { as: ada, body: { providerId: vllm } });
      await api("TEST", { as: ada, body: { providerId: ollama } });
    });
    expect(requests.map((r) => `${r.registryId} ${r.path} ${r.credential ?? "(none)"}`)).toEqual([
      `custom /models ${adaKey}`,
      `custom /models ${adaKey}`,
      "custom /models (none)",
    ]);
    const foreign = [
      ...Object.values(server),
      adaOpenAi,
      babbageKey,
      process.env.NEXTAUTH_SECRET ?? "",
      ...(process.env.API_KEY_ENCRYPTION_KEYS ?? "").split(",").map((entry) => entry.split(":")[1] ?? ""),
      (await sessionCookie(ada)).split("=")[1]!,
    ].filter((s) => s.length > 8);
    for (const request of requests) {
      const headers = JSON.stringify(request.headers);
      for (const secret of foreign) expect(headers).not.toContain(secret);
      expect(Object.keys(request.headers).sort()).toEqual(
        expect.not.arrayContaining(["cookie", "x-api-key", "x-goog-api-key", "proxy-authorization"]),
      );
    }
    expect(traps.connections).toEqual([]);
  });
});

describe("secrets", () => {
  it("never appear in a response body or a log line", () => {
    expect(secrets.length).toBeGreaterThan(40);
    const everything = [...answers.map((a) => a.text), ...logs].join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it("are stored only as ciphertext", async () => {
    const dump = await tableSnapshot();
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});
