import { generateText, streamText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EndpointNotAllowedError } from "@/lib/errors";
import { createEndpointProvider } from "@/lib/providers/ai-sdk";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { startTraps, type Traps } from "../fixtures/traps";
import { fakeKey } from "../fixtures/users";

/**
 * The AI SDK on a custom endpoint (what the playground's chat will use): OpenAI chat completions through the
 * outbound guard, with the user's key or none, never the server's.
 */
const SERVER_KEY = `sk-server-env-${fakeKey("")}`;
let fake: FakeProviders;
let traps: Traps;

beforeAll(async () => {
  fake = await startFakeProviders();
  traps = await startTraps();
});

afterAll(async () => {
  await fake.close();
  await traps.close();
});

beforeEach(() => {
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
  for (const name of ["OPENAI_API_KEY", "OPENAI_COMPATIBLE_API_KEY", "CUSTOM_API_KEY"]) vi.stubEnv(name, SERVER_KEY);
  vi.stubEnv("OPENAI_BASE_URL", `${fake.url}/openai/v1`);
});

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 6; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

describe("createEndpointProvider", () => {
  it("answers and streams with the user's key as the Bearer token, nothing else", async () => {
    const key = `sk-test-valid-${fakeKey("")}`;
    const since = fake.requests.length;
    const model = createEndpointProvider({ baseUrl: fake.endpointURL("keyed") }, key).languageModel("llama3.2:3b");
    expect((await generateText({ model, prompt: "Hi" })).text).toBe("Hello from the fake provider.");
    const stream = streamText({ model, prompt: "Hi" });
    let streamed = "";
    for await (const part of stream.textStream) streamed += part;
    expect(streamed).toBe("Hello from the fake provider.");
    expect((await stream.usage).inputTokens).toBe(5);
    const requests = fake.requests.slice(since);
    expect(requests.map((r) => `${r.registryId} ${r.method} ${r.path} ${r.credential}`)).toEqual(
      Array(2).fill(`custom POST /chat/completions ${key}`),
    );
    for (const request of requests) expect(JSON.stringify(request.headers)).not.toContain(SERVER_KEY);
  });

  it("sends no Authorization header for an endpoint saved without a key", async () => {
    const since = fake.requests.length;
    const model = createEndpointProvider({ baseUrl: fake.endpointURL("open") }, "").languageModel("llama3.2:3b");
    expect((await generateText({ model, prompt: "Hi" })).text).toBe("Hello from the fake provider.");
    const [request] = fake.requests.slice(since);
    expect(request!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request!.headers)).not.toContain(SERVER_KEY);
  });

  it("is refused by the guard at an internal address, before any connection", async () => {
    for (const baseUrl of [
      `https://127.0.0.2:${traps.port}/v1`,
      `http://[::1]:${traps.port}/v1`,
      `https://169.254.169.254/v1`,
    ]) {
      const model = createEndpointProvider({ baseUrl }, `sk-test-valid-${fakeKey("")}`).languageModel("m");
      const error = await generateText({ model, prompt: "Hi", maxRetries: 0 }).catch((e: unknown) => e);
      expect(causes(error).some((e) => e instanceof EndpointNotAllowedError)).toBe(true);
    }
    expect(traps.connections).toEqual([]);
  });
});
