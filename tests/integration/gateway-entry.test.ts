import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as keysRoute from "@/app/api/user/api-keys/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { installGatewayEntry } from "@/lib/gateway/entry";
import { watchRequests } from "@/lib/http/requests";
import { createToken } from "../fixtures/gateway";
import { call } from "../fixtures/http";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The gateway's own entry (lib/gateway/entry.ts) on a real Node HTTP server whose own listener stands for Next's:
 * the gateway's routes are answered by the gateway's handlers, over real HTTP, with the API's headers and the
 * request id; every other request (another path, another method, a trailing slash) still reaches the server's
 * listener; the client's disconnect reaches the provider.
 */
let fake: FakeProviders;
let server: Server;
let base: string;
let takeOut: (() => void) | undefined;
const reachedNext: string[] = [];

beforeAll(async () => {
  fake = await startFakeProviders({ chat: { chunks: 5, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  watchRequests();
  vi.stubEnv("NODE_ENV", "production"); // what the entry is installed for; the rest of the app stays in test mode
  takeOut = installGatewayEntry();
  vi.stubEnv("NODE_ENV", "test");
  server = createServer((request, response) => {
    reachedNext.push(`${request.method} ${request.url}`);
    response.end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  takeOut?.();
  server.close();
  await backgroundSettled();
  await fake.close();
});

async function userWithToken(name: string) {
  const user = await insertUser(name);
  const openai = (await getProviderByRegistryId("openai"))!;
  const saved = await call(keysRoute.POST, {
    method: "POST",
    as: user,
    body: { providerId: openai.id, apiKey: `sk-test-valid-${fakeKey("")}`, skipValidation: true },
  });
  expect(saved.status, saved.text).toBe(200);
  return (await createToken(user)).token;
}

describe("the gateway's own entry", () => {
  it("is installed in production only once", () => {
    expect(takeOut).toBeTypeOf("function");
    expect(installGatewayEntry()).toBeUndefined();
  });

  it("answers the gateway's routes over HTTP with the API's headers and a request id; the rest goes on", async () => {
    const token = await userWithToken("ada");
    const client = new OpenAI({ apiKey: token, baseURL: `${base}/api/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: "openai/m-1", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the fake provider.");
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    let streamed = "";
    const stream = await client.chat.completions.create({
      model: "openai/m-1",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    expect(streamed.length).toBeGreaterThan(0);
    expect((await client.models.list()).data.map((model) => model.id)).toContain("openai/gpt-4o-mini");

    const preflight = await fetch(`${base}/api/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://tool.example", "access-control-request-method": "POST" },
    });
    expect([preflight.status, preflight.headers.get("access-control-allow-methods")]).toEqual([204, "POST, OPTIONS"]);
    const unauthenticated = await fetch(`${base}/api/v1/models?limit=1`);
    expect(unauthenticated.status).toBe(401);
    expect(((await unauthenticated.json()) as { error: { code: string } }).error.code).toBe("missing_token");

    expect(reachedNext).toEqual([]);
    for (const path of ["/api/v1/chat/completions", "/api/v1/models/", "/api/v1/other", "/api/health", "/settings"])
      expect(await (await fetch(`${base}${path}`)).text()).toBe("next");
    expect(reachedNext).toEqual([
      "GET /api/v1/chat/completions",
      "GET /api/v1/models/",
      "GET /api/v1/other",
      "GET /api/health",
      "GET /settings",
    ]);
  });

  it("a request no URL can be made of is a 400 in the API's shape, and the server goes on", async () => {
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.end("GET /api/v1/models HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString("utf8")));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('"code":"invalid_request"');
    expect((await fetch(`${base}/api/v1/models`)).status).toBe(401);
  });

  it("the client's disconnect aborts the provider's request", async () => {
    const token = await userWithToken("bob");
    fake.chat = { chunks: 40, intervalMs: 20 };
    try {
      const since = fake.requests.length;
      const controller = new AbortController();
      const client = new OpenAI({ apiKey: token, baseURL: `${base}/api/v1`, maxRetries: 0 });
      const stream = await client.chat.completions.create(
        { model: "openai/m-1", messages: [{ role: "user", content: "hi" }], stream: true },
        { signal: controller.signal },
      );
      let chunks = 0;
      try {
        for await (const _ of stream) if (++chunks === 3) controller.abort();
      } catch {
        // the SDK may end the loop quietly or with its abort error: either way the client has gone
      }
      expect(chunks).toBeLessThan(40);
      await vi.waitFor(() => expect(fake.requests[since]!.aborted).toBe(true), { timeout: 5_000 });
    } finally {
      fake.chat = { chunks: 5, intervalMs: 0 };
    }
  });
});
