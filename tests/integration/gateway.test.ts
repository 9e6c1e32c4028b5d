import Anthropic from "@anthropic-ai/sdk";
import { eq, sql } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import * as keyRoute from "@/app/api/user/api-keys/[id]/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as tokenRoute from "@/app/api/user/tokens/[id]/route";
import * as tokensRoute from "@/app/api/user/tokens/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { accessToken, keyEvent, modelUsage, rateLimit } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { tokenHash } from "@/lib/gateway/token-secret";
import { PROVIDERS, type RegistryId } from "@/lib/domain/catalogue";
import { anthropicClient, createToken, gatewayCalls, openaiClient, rawGateway, revokeToken } from "../fixtures/gateway";
import { call, sessionCookie } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The gateway (CONTRACT-WAVE3 "Gateway"), driven by the official `openai` and `@anthropic-ai/sdk` clients: the
 * user's own keys behind one personal token, every provider's wire format, fallback, scope, expiry, revocation,
 * CORS, the client's disconnect reaching the provider, and every error in the provider's own shape.
 */
let fake: FakeProviders;
const providers = {} as Record<RegistryId, ProviderRecord>;
const logs = captureLogs();
const secrets: string[] = [];

beforeAll(async () => {
  fake = await startFakeProviders({ chat: { chunks: 5, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
});
afterAll(async () => {
  await backgroundSettled();
  // No token and no provider key in any log line.
  for (const line of logs) for (const secret of secrets) expect(line).not.toContain(secret);
  await fake.close();
});

function key(behaviour = "valid"): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

async function saveKey(as: PublicUser, providerId: string, apiKey = key(), label?: string) {
  const answer = await call<{ id: string; apiKey: string }>(keysRoute.POST, {
    method: "POST",
    as,
    body: { providerId, apiKey, skipValidation: true, ...(label ? { label } : {}) },
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

/** The user's custom endpoint "Lab vLLM" (slug lab-vllm) on the fake's keyed OpenAI-compatible server. */
async function labEndpoint(user: PublicUser) {
  return call<{ id: string }>(endpointsRoute.POST, {
    method: "POST",
    path: "/api/user/endpoints",
    as: user,
    body: { name: "Lab vLLM", baseUrl: fake.endpointURL("keyed") },
  });
}

async function userWithToken(name: string, registryIds: RegistryId[] = ["openai"], body?: Record<string, unknown>) {
  const user = await insertUser(name);
  for (const id of registryIds) await saveKey(user, providers[id].id);
  const token = await createToken(user, body);
  secrets.push(token.token);
  return { user, token: token.token, id: token.id };
}

async function errorOf(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("access tokens", () => {
  it("are shown once (kr_ + 43 characters), stored as a hash, listed by prefix, with events", async () => {
    const ada = await insertUser("ada");
    const created = await createToken(ada, { name: "CI script" });
    expect(created.token).toMatch(/^kr_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.prefix.length).toBeLessThanOrEqual(16);
    const list = await call<Record<string, unknown>[]>(tokensRoute.GET, { path: "/api/user/tokens", as: ada });
    expect(list.json).toEqual([
      {
        id: created.id,
        name: "CI script",
        prefix: created.prefix,
        providerIds: null,
        expiresAt: null,
        budget: null,
        lastUsedAt: null,
        usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 },
        createdAt: expect.any(String),
      },
    ]);
    expect(list.text).not.toContain(created.token);
    const db = await getDb();
    const dump = JSON.stringify(await db.select().from(accessToken));
    expect(dump).not.toContain(created.token);
    expect(dump).toContain(tokenHash(created.token));
    const revoked = await revokeToken(ada, created.id);
    expect(revoked.status).toBe(200);
    const events = await db
      .select({ type: keyEvent.type, detail: keyEvent.detail })
      .from(keyEvent)
      .where(eq(keyEvent.userId, ada.id));
    expect(events.map((e) => e.type)).toEqual(["token_created", "token_revoked"]);
    expect(JSON.stringify(events)).not.toContain(created.token);
  });

  it("are renamed, limited to providers, given an expiry and a budget by PATCH", async () => {
    const ada = await insertUser("ada");
    const created = await createToken(ada, { name: "first" });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const patch = (body: unknown) =>
      call<Record<string, unknown>>(tokenRoute.PATCH, {
        method: "PATCH",
        path: `/api/user/tokens/${created.id}`,
        as: ada,
        body,
      });
    expect(
      (
        await patch({
          name: "renamed",
          providerIds: [providers.openai.id],
          expiresAt,
          budget: { monthlyUsd: 5, mode: "soft" },
        })
      ).json,
    ).toMatchObject({
      name: "renamed",
      providerIds: [providers.openai.id],
      expiresAt,
      budget: { monthlyMicroUsd: 5_000_000, mode: "soft", spentMicroUsd: 0 },
    });
    expect((await patch({ providerIds: null, budget: null, expiresAt: null })).json).toMatchObject({
      name: "renamed",
      providerIds: null,
      budget: null,
      expiresAt: null,
    });
    expect((await patch({})).status).toBe(400);
    expect((await patch({ name: "x", unknown: 1 })).status).toBe(400);
  });

  it("at most 20 a user, whatever the concurrency; another user's token is a 404", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        call(tokensRoute.POST, { method: "POST", path: "/api/user/tokens", as: ada, body: { name: `t${i}` } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(
      answers.filter((a) => a.status === 409).every((a) => (a.json as { code: string }).code === "token_limit_reached"),
    ).toBe(true);
    const [first] = (await call<{ id: string }[]>(tokensRoute.GET, { path: "/api/user/tokens", as: ada })).json;
    expect((await revokeToken(babbage, first!.id)).status).toBe(404);
    const patched = await call(tokenRoute.PATCH, {
      method: "PATCH",
      path: `/api/user/tokens/${first!.id}`,
      as: babbage,
      body: { name: "mine" },
    });
    expect(patched.status).toBe(404);
  });

  it("refuses bad names, expiries in the past, unknown providers and bad budgets (400/404), creating nothing", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const theirs = await call<{ id: string }>(endpointsRoute.POST, {
      method: "POST",
      path: "/api/user/endpoints",
      as: babbage,
      body: { name: "Theirs", baseUrl: fake.endpointURL("open") },
    });
    for (const [body, status] of [
      [{ name: "" }, 400],
      [{ name: "a\nb" }, 400],
      [{ name: "x", expiresAt: "2020-01-01T00:00:00Z" }, 400],
      [{ name: "x", providerIds: ["not-a-uuid"] }, 400],
      [{ name: "x", providerIds: [] }, 400],
      [{ name: "x", budget: { monthlyUsd: 0, mode: "hard" } }, 400],
      [{ name: "x", providerIds: [theirs.json.id] }, 404],
    ] as const) {
      const answer = await call(tokensRoute.POST, { method: "POST", path: "/api/user/tokens", as: ada, body });
      expect(answer.status, JSON.stringify(body)).toBe(status);
    }
    expect((await call<unknown[]>(tokensRoute.GET, { path: "/api/user/tokens", as: ada })).json).toEqual([]);
  });
});

describe("GET /v1/models", () => {
  it("lists <provider>/<model> over the token's providers with a usable key, custom endpoints by slug", async () => {
    const { user, token } = await userWithToken("ada", ["openai", "openrouter"]);
    const endpoint = await call<{ id: string; slug: string }>(endpointsRoute.POST, {
      method: "POST",
      path: "/api/user/endpoints",
      as: user,
      body: { name: "My Ollama", baseUrl: fake.endpointURL("open") },
    });
    expect(endpoint.json.slug).toBe("my-ollama");
    await call(keysRoute.POST, { method: "POST", as: user, body: { providerId: endpoint.json.id, apiKey: null } });
    const ids: string[] = [];
    for await (const model of openaiClient(token).models.list()) ids.push(model.id);
    expect(ids).toContain("openai/gpt-4o-mini");
    expect(ids).toContain("my-ollama/llama3.2:3b");
    expect(ids.some((id) => id.startsWith("openrouter/") && id.split("/").length === 3)).toBe(true);
    expect(ids.some((id) => id.startsWith("anthropic/"))).toBe(false);
  });

  it("a token limited to some providers lists only those", async () => {
    const user = await insertUser("ada");
    await saveKey(user, providers.openai.id);
    await saveKey(user, providers.mistral.id);
    const token = await createToken(user, { name: "mistral only", providerIds: [providers.mistral.id] });
    const ids: string[] = [];
    for await (const model of openaiClient(token.token).models.list()) ids.push(model.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith("mistral/"))).toBe(true);
  });
});

describe("POST /v1/chat/completions with the openai SDK", () => {
  it.each(PROVIDERS.map((p) => p.registryId))(
    "%s: streamed and not, the user's key only, usage recorded against the key and the token",
    async (registryId) => {
      const { user, token, id } = await userWithToken(`user-${registryId}`, [registryId]);
      const client = openaiClient(token);
      const model = registryId === "openrouter" ? "openrouter/anthropic/claude-sonnet-4" : `${registryId}/m-1`;
      const since = fake.requests.length;

      const whole = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] });
      expect(whole.choices[0]!.message.content).toBe("Hello from the fake provider.");
      expect(whole.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 5 });

      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
      });
      let text = "";
      let usageChunks = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.usage && chunk.choices.length === 0) usageChunks += 1;
      }
      expect(text).toBe("Hello from the fake provider.");
      // The caller did not ask for usage: it sees no usage chunk, though the gateway asked for one on its behalf.
      if (registryId !== "openrouter") expect(usageChunks).toBe(0);

      const seen = fake.requests.slice(since);
      expect(seen.length).toBe(2);
      const stored = (await call<{ apiKey: string }[]>(keysRoute.GET, { as: user })).json;
      for (const request of seen) {
        expect(request.credential).toBeDefined();
        expect(request.credential).not.toBe(token);
        expect(JSON.stringify(request.headers)).not.toContain(token);
        expect(stored[0]!.apiKey.slice(-4)).toBe(request.credential!.slice(-4));
      }
      if (registryId === "openai")
        expect(seen[1]!.body).toMatchObject({ model: "m-1", stream: true, stream_options: { include_usage: true } });

      await backgroundSettled();
      const tokens = (
        await call<{ id: string; usage: Record<string, number>; lastUsedAt: string | null }[]>(tokensRoute.GET, {
          path: "/api/user/tokens",
          as: user,
        })
      ).json;
      expect(tokens.find((t) => t.id === id)).toMatchObject({
        usage: { requests: 2, inputTokens: 10, outputTokens: 10 },
        lastUsedAt: expect.any(String),
      });
      const db = await getDb();
      const rows = await db.select().from(modelUsage).where(eq(modelUsage.userId, user.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        tokenId: id,
        model: model.slice(model.indexOf("/") + 1),
        requests: 2,
        errors: 0,
      });
    },
  );

  it("include_usage asked by the caller: the last chunk carries the usage", async () => {
    const { token } = await userWithToken("ada", ["openai"]);
    const stream = await openaiClient(token).chat.completions.create({
      model: "openai/m-1",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    });
  });

  it("a custom endpoint by its slug, through the outbound guard, with the user's key for it", async () => {
    const user = await insertUser("ada");
    const endpoint = await labEndpoint(user);
    const apiKey = key();
    await saveKey(user, endpoint.json.id, apiKey);
    const token = (await createToken(user)).token;
    secrets.push(token);
    const since = fake.requests.length;
    const answer = await openaiClient(token).chat.completions.create({
      model: "lab-vllm/llama3.2:3b",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.choices[0]!.message.content).toBe("Hello from the fake provider.");
    expect(fake.requests[since]).toMatchObject({
      registryId: "custom",
      credential: apiKey,
      body: { model: "llama3.2:3b" },
    });
  });

  it("a custom endpoint the outbound guard now refuses: 400 endpoint_not_allowed, no key tried, none marked", async () => {
    const user = await insertUser("ada");
    const endpoint = await labEndpoint(user);
    await saveKey(user, endpoint.json.id, key(), "First");
    await saveKey(user, endpoint.json.id, key(), "Second");
    const token = (await createToken(user)).token;
    secrets.push(token);
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", ""); // the operator took the loopback address off the list
    const since = fake.requests.length;
    const answer = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token,
      body: JSON.stringify({ model: "lab-vllm/llama3.2:3b", messages: [{ role: "user", content: "hi" }] }),
    });
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "endpoint_not_allowed" },
    });
    expect(fake.requests.length).toBe(since);
    await backgroundSettled();
    const rows = (await call<{ health: string; usage: { errors: number } }[]>(keysRoute.GET, { as: user })).json;
    expect(rows.map((row) => row.health)).toEqual(["unchecked", "unchecked"]);
  });

  it("falls back to the next key when one is rejected before any output, and says which key served", async () => {
    const user = await insertUser("ada");
    await saveKey(user, providers.openai.id, key("invalid"), "First");
    const second = await saveKey(user, providers.openai.id, key(), "Second");
    const token = (await createToken(user)).token;
    secrets.push(token);
    const { data, response } = await openaiClient(token)
      .chat.completions.create({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the fake provider.");
    expect(response.headers.get("x-key-hint")).toBe(second.apiKey);
    await backgroundSettled();
    const rows = (
      await call<{ label: string; health: string; usage: { errors: number } }[]>(keysRoute.GET, { as: user })
    ).json;
    expect(rows.find((r) => r.label === "First")).toMatchObject({ health: "rejected", usage: { errors: 1 } });
  });

  it("the client's disconnect aborts the provider's request", async () => {
    const { token } = await userWithToken("ada", ["openai"]);
    fake.chat = { chunks: 40, intervalMs: 20 };
    try {
      const since = fake.requests.length;
      const controller = new AbortController();
      const stream = await openaiClient(token).chat.completions.create(
        { model: "openai/m-1", messages: [{ role: "user", content: "hi" }], stream: true },
        { signal: controller.signal },
      );
      let chunks = 0;
      await expect(
        (async () => {
          for await (const _ of stream) if (++chunks === 3) controller.abort();
        })(),
      ).rejects.toThrow();
      await vi.waitFor(() => expect(fake.requests[since]!.aborted).toBe(true), { timeout: 5_000 });
    } finally {
      fake.chat = { chunks: 5, intervalMs: 0 };
    }
  });

  it("Anthropic and Google are translated, streamed and not", async () => {
    const { token } = await userWithToken("ada", ["anthropic", "google"]);
    for (const model of ["anthropic/claude-sonnet-4-5", "google/gemini-2.5-flash"]) {
      const whole = await openaiClient(token).chat.completions.create({
        model,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hello" },
        ],
        temperature: 0.2,
        max_tokens: 50,
      });
      expect(whole).toMatchObject({
        object: "chat.completion",
        model,
        choices: [{ message: { role: "assistant", content: "Hello from the fake provider." }, finish_reason: "stop" }],
      });
      const stream = await openaiClient(token).chat.completions.create({
        model,
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        last = chunk;
      }
      expect(text).toBe("Hello from the fake provider.");
      expect(last).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 5 } });
    }
  });
});

describe("POST /v1/messages with the Anthropic SDK (base URL <site>/api)", () => {
  it("passes Anthropic's Messages API through, streamed and not, on the user's Anthropic key", async () => {
    const user = await insertUser("ada");
    const apiKey = key();
    await saveKey(user, providers.anthropic.id, apiKey);
    const token = (await createToken(user)).token;
    secrets.push(token);
    const client = anthropicClient(token);
    const since = fake.requests.length;
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "Say hello" }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: "Hello from the fake provider." });
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "Say hello" }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: "Hello from the fake provider." });
    expect(
      fake.requests.slice(since).map((r) => [r.path, r.credential, r.headers["anthropic-version"] !== undefined]),
    ).toEqual([
      ["/messages", apiKey, true],
      ["/messages", apiKey, true],
    ]);
    await backgroundSettled();
    const db = await getDb();
    const [row] = await db.select().from(modelUsage).where(eq(modelUsage.userId, user.id));
    expect(row).toMatchObject({ model: "claude-sonnet-4-5", requests: 2, inputTokens: 10, outputTokens: 10 });
  });

  it("answers errors in Anthropic's shape", async () => {
    const client = anthropicClient(`kr_${"x".repeat(43)}`);
    const error = await client.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const raw = await rawGateway("/api/v1/messages", { method: "POST", token: `kr_${"x".repeat(43)}`, body: "{}" });
    expect(await errorOf(raw)).toMatchObject({
      status: 401,
      body: { type: "error", error: { type: "authentication_error", message: expect.any(String) } },
    });
  });
});

describe("who may use the gateway", () => {
  it("a token outside its providers: 403; an expired token: 401; a revoked token: 401 at once", async () => {
    const user = await insertUser("ada");
    await saveKey(user, providers.openai.id);
    await saveKey(user, providers.mistral.id);
    const scoped = await createToken(user, { name: "openai only", providerIds: [providers.openai.id] });
    const client = openaiClient(scoped.token);
    const refused = await client.chat.completions
      .create({ model: "mistral/m-1", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(
      (await client.chat.completions.create({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }))
        .choices,
    ).toHaveLength(1);

    const db = await getDb();
    await db
      .update(accessToken)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(accessToken.id, scoped.id));
    const expired = await client.chat.completions
      .create({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(OpenAI.AuthenticationError);

    const live = await createToken(user);
    expect(
      (
        await openaiClient(live.token).chat.completions.create({
          model: "openai/m-1",
          messages: [{ role: "user", content: "hi" }],
        })
      ).choices,
    ).toHaveLength(1);
    await revokeToken(user, live.id);
    const revoked = await openaiClient(live.token)
      .chat.completions.create({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("never a session cookie: a signed-in browser without a token gets 401", async () => {
    const user = await insertUser("ada");
    await saveKey(user, providers.openai.id);
    const answer = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      headers: { cookie: await sessionCookie(user) },
      body: JSON.stringify({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(await errorOf(answer)).toMatchObject({
      status: 401,
      body: { error: { type: "invalid_request_error", code: "missing_token" } },
    });
  });

  it("CORS: any origin, no credentials; preflight answered", async () => {
    const preflight = await rawGateway("/api/v1/chat/completions", {
      method: "OPTIONS",
      headers: {
        origin: "https://tool.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const { token } = await userWithToken("ada");
    const answer = await rawGateway("/api/v1/models", { token, headers: { origin: "https://tool.example" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(gatewayCalls.at(-1)!.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("errors, in OpenAI's shape with the contract's status codes", () => {
  const body = (b: unknown) => (typeof b === "string" ? b : JSON.stringify(b));

  it("400 naming the field; 404 unknown provider or no usable key; 413 over 4 MiB", async () => {
    const { user, token } = await userWithToken("ada", ["openai"]);
    const cases: [unknown, number, RegExp][] = [
      ["{not json", 400, /not valid JSON/],
      [[1, 2], 400, /JSON object/],
      [{ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, 400, /model/],
      [{ model: "openai/m-1", messages: [] }, 400, /messages/],
      [{ model: "openai/m-1" }, 400, /messages/],
      [{ model: "openai/m-1", messages: [{ role: "user", content: "hi" }], temperature: "hot" }, 400, /temperature/],
      [{ model: "openai/m-1", messages: [{ role: "user", content: "hi" }], stream: "yes" }, 400, /stream/],
      [{ model: "openai/../../x", messages: [{ role: "user", content: "hi" }] }, 400, /model/],
      [{ model: "google/a/b", messages: [{ role: "user", content: "hi" }] }, 404, /no model/],
      [{ model: "nowhere/m-1", messages: [{ role: "user", content: "hi" }] }, 404, /no provider "nowhere"/],
      [{ model: "anthropic/claude", messages: [{ role: "user", content: "hi" }] }, 404, /no Anthropic key/],
    ];
    for (const [payload, status, message] of cases) {
      const answer = await errorOf(
        await rawGateway("/api/v1/chat/completions", { method: "POST", token, body: body(payload) }),
      );
      expect(answer.status, body(payload)).toBe(status);
      expect(answer.body).toMatchObject({
        error: { message: expect.stringMatching(message), type: expect.any(String), code: expect.any(String) },
      });
    }
    const huge = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token,
      body: JSON.stringify({ model: "openai/m-1", messages: [{ role: "user", content: "x".repeat(4 << 20) }] }),
    });
    expect(huge.status).toBe(413);
    await backgroundSettled();
    expect((await call<{ usage: { requests: number } }[]>(keysRoute.GET, { as: user })).json[0]!.usage.requests).toBe(
      0,
    );
  });

  it("402 when a budget is spent (the key's, or the token's own), 429 over the token's limit", async () => {
    const user = await insertUser("ada");
    const stored = await saveKey(user, providers.openai.id);
    await call(keyRoute.PATCH, {
      method: "PATCH",
      path: `/api/user/api-keys/${stored.id}`,
      as: user,
      body: { budget: { monthlyUsd: 0.01, mode: "hard" } },
    });
    const db = await getDb();
    const { userApiKey } = await import("@/lib/db/schema");
    await db
      .update(userApiKey)
      .set({ spendMonth: sql`date_trunc('month', now() at time zone 'utc')::date`, spendMicroUsd: 10_000 })
      .where(eq(userApiKey.id, stored.id));
    const token = (await createToken(user)).token;
    secrets.push(token);
    const spent = await errorOf(
      await rawGateway("/api/v1/chat/completions", {
        method: "POST",
        token,
        body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    expect(spent).toMatchObject({
      status: 402,
      body: { error: { code: "budget_exceeded", message: expect.stringMatching(/resets on/) } },
    });

    const other = await userWithToken("babbage", ["openai"], {
      name: "tiny",
      budget: { monthlyUsd: 0.01, mode: "hard" },
    });
    await db
      .update(accessToken)
      .set({ spendMonth: sql`date_trunc('month', now() at time zone 'utc')::date`, spendMicroUsd: 10_000 })
      .where(eq(accessToken.id, other.id));
    const tokenSpent = await errorOf(
      await rawGateway("/api/v1/chat/completions", {
        method: "POST",
        token: other.token,
        body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    expect(tokenSpent).toMatchObject({
      status: 402,
      body: { error: { code: "budget_exceeded", message: expect.stringMatching(/access token “tiny”/) } },
    });

    const limited = await userWithToken("carol", ["openai"]);
    await db.insert(rateLimit).values({
      key: `gateway:${tokenHash(limited.token).slice(0, 32)}`,
      points: 600,
      expiresAt: sql`now() + interval '1 minute'`,
    });
    const over = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token: limited.token,
      body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await errorOf(over)).toMatchObject({ status: 429, body: { error: { code: "rate_limit_exceeded" } } });
  });

  it("502 when the provider is down for every key, 429 when it limits every key; never the provider's key", async () => {
    const user = await insertUser("ada");
    const down = key("error500");
    await saveKey(user, providers.openai.id, down);
    const token = (await createToken(user)).token;
    secrets.push(token);
    const failed = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token,
      body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await failed.text();
    expect(failed.status).toBe(502);
    expect(text).not.toContain(down);

    const other = await insertUser("babbage");
    const limitedKey = key("limited");
    await saveKey(other, providers.openai.id, limitedKey);
    const otherToken = (await createToken(other)).token;
    secrets.push(otherToken);
    const limited = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token: otherToken,
      body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(limited.status).toBe(429);
    expect(await limited.text()).not.toContain(limitedKey);
  });

  it("a stream the provider breaks off ends with an OpenAI error chunk, never hangs", async () => {
    const user = await insertUser("ada");
    await saveKey(user, providers.openai.id, key("cut"));
    const token = (await createToken(user)).token;
    secrets.push(token);
    fake.chat = { chunks: 10, intervalMs: 20 };
    try {
      const answer = await rawGateway("/api/v1/chat/completions", {
        method: "POST",
        token,
        body: body({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }], stream: true }),
      });
      expect(answer.status).toBe(200);
      const events = (await answer.text()).trim().split("\n\n");
      expect(JSON.parse(events.at(-1)!.replace(/^data: /, ""))).toMatchObject({
        error: { type: "api_error", code: "provider_stream_broken" },
      });
      await backgroundSettled();
      expect((await call<{ usage: { errors: number } }[]>(keysRoute.GET, { as: user })).json[0]!.usage.errors).toBe(1);
    } finally {
      fake.chat = { chunks: 5, intervalMs: 0 };
    }
  });
});
