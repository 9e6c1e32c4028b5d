import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { revokeSessions } from "@/lib/db/sessions";
import type { PublicUser } from "@/lib/db/users";
import { PROVIDERS, type RegistryId } from "@/lib/domain/catalogue";
import { type Answer, call, sessionCookie } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { type StreamedAnswer, streamCall } from "../fixtures/ui-stream";
import { fakeKey, insertUser } from "../fixtures/users";

/** POST /api/chat: the user's own key, streamed from each provider's wire format, usage and health recorded. */
type Row = {
  providerId: string;
  apiKey: string;
  health: string;
  usage: { requests: number; inputTokens: number; outputTokens: number; errors: number };
};

let fake: FakeProviders;
const providers = {} as Record<RegistryId, ProviderRecord>;
const logs = captureLogs();
const secrets: string[] = [];

function key(behaviour: string): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

async function save(as: PublicUser, providerId: string, apiKey: string, skipValidation = false) {
  const answer = await call(keysRoute.POST, {
    method: "POST",
    as,
    body: { providerId, apiKey, ...(skipValidation ? { skipValidation } : {}) },
  });
  expect(answer.status, answer.text).toBe(200);
}

async function addEndpoint(as: PublicUser, name: string, baseUrl: string): Promise<string> {
  const created = await call<{ id: string }>(endpointsRoute.POST, {
    method: "POST",
    path: "/api/user/endpoints",
    as,
    body: { name, baseUrl },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

async function rowOf(as: PublicUser, providerId: string): Promise<Row> {
  await backgroundSettled();
  const list = await call<Row[]>(keysRoute.GET, { as });
  return list.json.find((r) => r.providerId === providerId)!;
}

const body = (providerId: string, content = "Say hello", model = "m-1") => ({
  providerId,
  model,
  messages: [{ role: "user", content }],
});
const chat = (as: PublicUser, payload: unknown, stopAfter?: number) =>
  streamCall(chatRoute.POST, { as, body: payload, stopAfter });
const chatJson = (as: PublicUser, payload: unknown) =>
  call(chatRoute.POST, { method: "POST", path: "/api/chat", as, body: payload });

function expectError(answer: Answer, status: number, code: string, message?: RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
  if (message) expect((answer.json as { error: string }).error).toMatch(message);
}

function expectStreamed(answer: StreamedAnswer) {
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
  expect(answer.headers.get("cache-control")).toBe("no-store, no-transform");
  expect(answer.headers.get("server-timing")).toMatch(/^db;dur=\d+\.\d, provider;dur=\d+\.\d$/);
}

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 400, chat: { chunks: 5, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
});
afterAll(async () => {
  await backgroundSettled();
  // No plaintext key in any log line.
  for (const line of logs) for (const secret of secrets) expect(line).not.toContain(secret);
  await fake.close();
});

describe("an answer streamed through the user's own key", () => {
  it.each(PROVIDERS.map((p) => p.registryId))(
    "%s: several chunks, only the user's key, the mask, usage and health",
    async (registryId) => {
      const ada = await insertUser("ada");
      const babbage = await insertUser("babbage");
      const adas = key("valid");
      await save(ada, providers[registryId].id, adas);
      await save(babbage, providers[registryId].id, key("valid"));
      fake.chat = { chunks: 12, intervalMs: 0 };
      const since = fake.requests.length;

      const answer = await chat(ada, body(providers[registryId].id));
      expectStreamed(answer);
      const deltas = answer.parts.filter((p) => p.type === "text-delta");
      expect(deltas.length).toBeGreaterThanOrEqual(3);
      expect(answer.text.startsWith("Hello from the fake provider.")).toBe(true);
      expect(answer.error).toBeUndefined();

      const row = await rowOf(ada, providers[registryId].id);
      expect(answer.headers.get("x-key-hint")).toBe(row.apiKey);
      // "m-1" has no price; OpenRouter reports what each answer cost (the fake: $1 / $3 per million tokens).
      const cost = registryId === "openrouter" ? 5 * 1 + 12 * 3 : null;
      expect(answer.metadata).toMatchObject({
        keyHint: row.apiKey,
        model: "m-1",
        inputTokens: 5,
        outputTokens: 12,
        costMicroUsd: cost,
      });
      expect(row.usage).toEqual({ requests: 1, inputTokens: 5, outputTokens: 12, errors: 0, costMicroUsd: cost ?? 0 });
      expect(row.health).toBe("ok");

      const seen = fake.requests.slice(since);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.credential).toBe(adas);
      expect(seen[0]!.method).toBe("POST");
      const expectedPath =
        { anthropic: "/messages", google: "/models/m-1:streamGenerateContent" }[registryId as string] ??
        "/chat/completions";
      expect(seen[0]!.path).toBe(expectedPath);
      // No other credential anywhere in the request (a server or environment key would show here).
      const headers = JSON.stringify(seen[0]!.headers);
      expect(headers).toContain(adas);
      expect(headers.match(/sk-test-[a-z0-9-]+/g)!.every((k) => k === adas)).toBe(true);
    },
  );

  it("sends the whole conversation, roles kept", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.openai.id, key("valid"));
    const since = fake.requests.length;
    const messages = [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Tell me more" },
    ];
    expectStreamed(await chat(ada, { providerId: providers.openai.id, model: "gpt-4o-mini", messages }));
    const sent = fake.requests[since]!.body as {
      model: string;
      stream: boolean;
      messages: { role: string; content: string }[];
    };
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.stream).toBe(true);
    expect(sent.messages.map((m) => [m.role, m.content])).toEqual(messages.map((m) => [m.role, m.content]));
  });

  it("streams as the provider sends: the first text arrives long before the last", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.anthropic.id, key("valid"));
    fake.chat = { chunks: 10, intervalMs: 40 };
    const answer = await chat(ada, body(providers.anthropic.id));
    const deltas = answer.parts.filter((p) => p.type === "text-delta");
    expect(deltas).toHaveLength(10);
    expect(deltas.at(-1)!.at - deltas[0]!.at).toBeGreaterThan(250);
    fake.chat = { chunks: 5, intervalMs: 0 };
  });

  it("a client that disconnects aborts the provider request; the stop counts as a request, not an error", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.groq.id, key("valid"));
    fake.chat = { chunks: 40, intervalMs: 25 };
    const since = fake.requests.length;
    const answer = await chat(ada, body(providers.groq.id), 2);
    expect(answer.text.length).toBeGreaterThan(0);
    // The disconnect reaches the fake as an event; the bound only ends a wait that would never end.
    await vi.waitFor(() => expect(fake.requests[since]!.aborted).toBe(true), { timeout: 20_000 });
    const row = await rowOf(ada, providers.groq.id);
    expect(row.usage).toMatchObject({ requests: 1, errors: 0 });
    expect(row.health).toBe("ok");
    fake.chat = { chunks: 5, intervalMs: 0 };
  });

  it("a custom endpoint streams through the outbound guard with the user's key for it", async () => {
    const ada = await insertUser("ada");
    const endpointId = await addEndpoint(ada, "Ada's vLLM", fake.endpointURL("keyed"));
    const adas = key("valid");
    await save(ada, endpointId, adas);
    const since = fake.requests.length;
    const answer = await chat(ada, body(endpointId, "Hi", "llama3.2:3b"));
    expectStreamed(answer);
    expect(answer.text).toBe("Hello from the fake provider.");
    expect(fake.requests.slice(since).map((r) => [r.registryId, r.path, r.credential])).toEqual([
      ["custom", "/chat/completions", adas],
    ]);
    expect((await rowOf(ada, endpointId)).usage).toMatchObject({ requests: 1, errors: 0 });
  });
});

describe("a provider that fails", () => {
  it.each(["openai", "anthropic", "google", "xai"] as const)(
    "%s rejects the key: an error part `invalid`, health rejected, an error counted",
    async (registryId) => {
      const ada = await insertUser("ada");
      await save(ada, providers[registryId].id, key("invalid"), true);
      const answer = await chat(ada, body(providers[registryId].id));
      expectStreamed(answer);
      expect(answer.text).toBe("");
      expect(answer.error).toEqual({
        status: "invalid",
        message: expect.stringMatching(/rejected your key .*Settings/),
      });
      const row = await rowOf(ada, providers[registryId].id);
      expect(row.health).toBe("rejected");
      expect(row.usage).toMatchObject({ requests: 1, errors: 1, inputTokens: 0, outputTokens: 0 });
    },
  );

  it("a limited key: `limited`, health limited", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.deepseek.id, key("limited"));
    const answer = await chat(ada, body(providers.deepseek.id));
    expect(answer.error).toMatchObject({ status: "limited" });
    expect((await rowOf(ada, providers.deepseek.id)).health).toBe("limited");
  });

  it("a 500 is `unreachable`, and no retry spends the key twice", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.mistral.id, key("error500"), true);
    const since = fake.requests.length;
    const answer = await chat(ada, body(providers.mistral.id));
    expect(answer.error).toMatchObject({ status: "unreachable", message: expect.stringContaining("HTTP 500") });
    expect(fake.requests.length - since).toBe(1);
    expect((await rowOf(ada, providers.mistral.id)).health).toBe("unreachable");
  });

  it("cut mid-stream: the partial text, then an error part; counted as an error, not a success", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.openrouter.id, key("cut"));
    fake.chat = { chunks: 10, intervalMs: 5 };
    const answer = await chat(ada, body(providers.openrouter.id));
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.error).toMatchObject({ status: "unreachable", message: expect.stringMatching(/broke off/) });
    expect(answer.parts.findIndex((p) => p.type === "error")).toBeGreaterThan(
      answer.parts.findIndex((p) => p.type === "text-delta"),
    );
    const row = await rowOf(ada, providers.openrouter.id);
    expect(row.usage).toMatchObject({ requests: 1, errors: 1 });
    expect(row.health).toBe("unreachable");
    fake.chat = { chunks: 5, intervalMs: 0 };
  });

  it("a provider that does not start answering in PROVIDER_TIMEOUT_MS: `unreachable`, timed out", async () => {
    vi.stubEnv("PROVIDER_TIMEOUT_MS", "150");
    try {
      const ada = await insertUser("ada");
      await save(ada, providers.groq.id, key("slow"), true);
      const answer = await chat(ada, body(providers.groq.id));
      expect(answer.error).toMatchObject({
        status: "unreachable",
        message: expect.stringMatching(/did not start answering within 0\.2 s/),
      });
    } finally {
      vi.stubEnv("PROVIDER_TIMEOUT_MS", "");
    }
  });
});

describe("refusals before any provider is asked", () => {
  it("bad bodies: 400 naming the field, nothing sent", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.openai.id, key("valid"));
    const id = providers.openai.id;
    const since = fake.requests.length;
    const long = "x".repeat(16_001);
    const cases: [unknown, RegExp][] = [
      [{ model: "m", messages: [{ role: "user", content: "hi" }] }, /^providerId/],
      [{ providerId: "openai", model: "m", messages: [{ role: "user", content: "hi" }] }, /^providerId/],
      [{ providerId: id, messages: [{ role: "user", content: "hi" }] }, /^model/],
      [{ providerId: id, model: "m", messages: [] }, /^messages: .*at least one/],
      [
        { providerId: id, model: "m", messages: Array.from({ length: 51 }, () => ({ role: "user", content: "hi" })) },
        /^messages: .*at most 50/,
      ],
      [{ providerId: id, model: "m", messages: [{ role: "system", content: "hi" }] }, /^messages\.0\.role/],
      [{ providerId: id, model: "m", messages: [{ role: "user", content: "  " }] }, /^messages\.0\.content/],
      [
        {
          providerId: id,
          model: "m",
          messages: [
            { role: "user", content: long },
            { role: "user", content: long },
          ],
        },
        /^messages: .*32,000 characters/,
      ],
      [{ providerId: id, model: "m", messages: [{ role: "user", content: "hi" }], temperature: 2 }, /temperature/],
    ];
    for (const [payload, message] of cases) expectError(await chatJson(ada, payload), 400, "invalid_body", message);
    expect(fake.requests.length).toBe(since);
  });

  it("a model id that would change the provider's URL: 400 naming model, the provider never asked", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.google.id, key("valid"));
    await save(ada, providers.openai.id, key("valid"));
    const since = fake.requests.length;
    const refused: [RegistryId, string][] = [
      ["google", "../../openai/v1/chat/completions#"], // sent the Google key to <google base>/../../openai/…
      ["google", "gemini-2.0-flash?x=1"],
      ["google", "gemini-2.0-flash#x"],
      ["google", "tunedModels/mine"], // Google's ids have no "/": the SDK would put it in the path as it is
      ["google", "models/../../x"],
      ["openai", "gpt-4o?x=1"],
      ["openai", "gpt 4o"],
      ["openai", "gpt-4o%2f"],
      ["openai", "vendor/model"],
      ["openai", ".."],
    ];
    for (const [registryId, model] of refused) {
      const answer = await chatJson(ada, body(providers[registryId].id, "Hi", model));
      expectError(answer, 400, "invalid_body", /^model: /);
      expect(answer.json, model).toMatchObject({ fields: { model: expect.any(String) } });
    }
    expect(fake.requests.slice(since)).toEqual([]);
  });

  it("a model id goes into a URL path as one encoded segment (Google's models/<id>:streamGenerateContent)", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.google.id, key("valid"));
    const since = fake.requests.length;
    expectStreamed(await chat(ada, body(providers.google.id, "Hi", "gemini-2.0-flash:exp")));
    expect(fake.requests.slice(since).map((r) => r.path)).toEqual([
      "/models/gemini-2.0-flash%3Aexp:streamGenerateContent",
    ]);
  });

  it("a '/' where the provider's ids have one: OpenRouter's vendor/model, Groq's, a custom endpoint's org/model", async () => {
    const ada = await insertUser("ada");
    const endpointId = await addEndpoint(ada, "Ada's vLLM", fake.endpointURL("open"));
    await save(ada, providers.openrouter.id, key("valid"));
    await save(ada, providers.groq.id, key("valid"));
    await save(ada, endpointId, key("valid"));
    for (const [providerId, model] of [
      [providers.openrouter.id, "anthropic/claude-sonnet-4"],
      [providers.openrouter.id, "meta-llama/llama-3.3-70b-instruct:free"],
      [providers.groq.id, "openai/gpt-oss-20b"],
      [endpointId, "Qwen/Qwen2.5-7B-Instruct"],
    ]) {
      const since = fake.requests.length;
      const answer = await chat(ada, body(providerId!, "Hi", model));
      expectStreamed(answer);
      expect(fake.requests.slice(since).map((r) => (r.body as { model?: string }).model)).toEqual([model]);
    }
  });

  it("a body over 160 KiB: 413; a 100 KiB conversation is read", async () => {
    const ada = await insertUser("ada");
    const big = { ...body(providers.openai.id), messages: [{ role: "user", content: "é".repeat(40_000) }] };
    expectError(await chatJson(ada, big), 400, "invalid_body", /32,000 characters/);
    const huge = { ...body(providers.openai.id), messages: [{ role: "user", content: "x".repeat(170 * 1024) }] };
    expectError(await chatJson(ada, huge), 413, "payload_too_large");
  });

  it("another user's endpoint or an unknown provider: 404; no key: 404 leading to /settings; disabled: 409", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const endpointId = await addEndpoint(babbage, "Babbage's", fake.endpointURL("open"));
    await save(babbage, endpointId, key("valid"));
    const since = fake.requests.length;
    expectError(await chatJson(ada, body(endpointId)), 404, "provider_not_found");
    expectError(await chatJson(ada, body("00000000-0000-4000-8000-000000000000")), 404, "provider_not_found");
    expectError(await chatJson(ada, body(providers.xai.id)), 404, "api_key_not_found", /\/settings/);
    await save(ada, providers.xai.id, key("valid"));
    const toggled = await call(keysRoute.PATCH, {
      method: "PATCH",
      as: ada,
      body: { providerId: providers.xai.id, isEnabled: false },
    });
    expect(toggled.status).toBe(200);
    expectError(await chatJson(ada, body(providers.xai.id)), 409, "api_key_disabled");
    expect(fake.requests.slice(since).filter((r) => r.path !== "/models" && r.path !== "/api-key")).toEqual([]);
  });

  it("not signed in: 401", async () => {
    const answer = await call(chatRoute.POST, { method: "POST", path: "/api/chat", body: body(providers.openai.id) });
    expectError(answer, 401, "unauthorized");
  });

  it("a session ended elsewhere (sign out everywhere): 401, the provider never asked, no point of the limit spent", async () => {
    const ada = await insertUser("ada");
    await save(ada, providers.openai.id, key("valid"));
    const cookie = await sessionCookie(ada);
    await revokeSessions(ada.id);
    const since = fake.requests.length;
    for (let i = 0; i < 31; i++) {
      expectError(
        await call(chatRoute.POST, {
          method: "POST",
          path: "/api/chat",
          headers: { cookie },
          body: body(providers.openai.id),
        }),
        401,
        "unauthorized",
      );
    }
    expect(fake.requests.length).toBe(since);
    // 31 refused requests spent none of the 30 a minute: a live session still chats.
    expectStreamed(await chat(ada, body(providers.openai.id)));
  });

  it("more than RATE_LIMIT_CHATS_PER_MINUTE (30) a minute: 429 with Retry-After", async () => {
    const ada = await insertUser("ada");
    for (let i = 0; i < 30; i++) expectError(await chatJson(ada, body(providers.google.id)), 404, "api_key_not_found");
    const limited = await chatJson(ada, body(providers.google.id));
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
