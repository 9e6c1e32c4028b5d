import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as providersRoute from "@/app/api/providers/route";
import * as modelsRoute from "@/app/api/user/api-keys/models/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { initKek } from "@/lib/crypto/kek/init";
import { getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import type { PublicUser } from "@/lib/db/users";
import { toListedKeyView } from "@/lib/keys/view";
import { createToken, rawGateway } from "../fixtures/gateway";
import { type Answer, call } from "../fixtures/http";
import { configureKeks, softHsmForThisFile } from "../fixtures/hsm";
import { captureLogs } from "../fixtures/logs";
import { streamCall } from "../fixtures/ui-stream";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The token stops answering (the failing module in front of SoftHSM2, dev/pkcs11-shim): what needs a key's
 * plaintext answers 503 key_service_unavailable, lists and the settings page's data answer as before, nothing is
 * lost, and the app recovers once the token is back, without a restart.
 */
const hsm = softHsmForThisFile(["kek-1"]);
const logs = captureLogs();
let fake: FakeProviders;
const providers = {} as Record<string, ProviderRecord>;
let ada: PublicUser;
const keys: Record<string, string> = {};
let gatewayToken: string;

beforeAll(async () => {
  fake = await startFakeProviders({ chat: { chunks: 3, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
  configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], cacheSeconds: 0 });
  await initKek();
  ada = await insertUser("ada");
  gatewayToken = (await createToken(ada)).token;
  for (const registryId of ["openai", "anthropic"]) {
    keys[registryId] = `sk-test-valid-${fakeKey("")}`;
    const saved = await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: providers[registryId]!.id, apiKey: keys[registryId] },
    });
    expect(saved.status, saved.text).toBe(200);
  }
});
afterAll(async () => {
  hsm.recover();
  await backgroundSettled();
  for (const line of logs) for (const key of Object.values(keys)) expect(line).not.toContain(key);
  await fake.close();
});

const chat = (registryId: string) =>
  call(chatRoute.POST, {
    method: "POST",
    path: "/api/chat",
    as: ada,
    body: { providerId: providers[registryId]!.id, model: "m-1", messages: [{ role: "user", content: "Hi" }] },
  });

function expectUnavailable(answer: Answer) {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.headers.get("retry-after")).toBe("5");
  expect(answer.json).toMatchObject({
    code: "key_service_unavailable",
    error: expect.stringMatching(/key service is not answering\. Nothing was lost/),
  });
}

/** A playground answer from the fake provider, sent exactly this key. */
async function expectServed(registryId: string) {
  const since = fake.requests.length;
  const answer = await streamCall(chatRoute.POST, {
    as: ada,
    body: { providerId: providers[registryId]!.id, model: "m-1", messages: [{ role: "user", content: "Hi" }] },
  });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.text).toMatch(/^Hello from/);
  expect(fake.requests.slice(since).map((r) => r.credential)).toEqual([keys[registryId]]);
}

/** An answer through the gateway (its limit is 600 a minute; the playground's, 30, is not what these tests are about). */
const gatewayChat = (registryId: string) =>
  rawGateway("/api/v1/chat/completions", {
    method: "POST",
    token: gatewayToken,
    body: JSON.stringify({ model: `${registryId}/m-1`, messages: [{ role: "user", content: "Hi" }] }),
  });

/** Waits for the token to be used again (the app retries it a second after a failure), a bounded number of times. */
async function recovered(): Promise<number> {
  for (let attempt = 1; attempt <= 50; attempt++) {
    const answer = await gatewayChat("openai");
    if (answer.status === 200) return attempt;
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: { code: "key_service_unavailable" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the app did not use the token again after it came back");
}

const envelopes = async () =>
  (await getDb())
    .select({ id: userApiKey.id, encryptedKey: userApiKey.encryptedKey, keyId: userApiKey.keyId })
    .from(userApiKey)
    .where(eq(userApiKey.userId, ada.id))
    .orderBy(asc(userApiKey.id));

describe("the token stops answering", () => {
  it("503 key_service_unavailable for what needs a key; lists and the page unaffected; nothing lost; recovery without a restart", async () => {
    await expectServed("openai");
    await backgroundSettled(); // the answer's usage and health, recorded after it ended
    const before = await envelopes();
    const list = await call(keysRoute.GET, { as: ada });
    const errorsBefore = logs.filter((line) => line.includes('"level":"error"')).length;

    hsm.fail();
    expectUnavailable(await chat("openai"));
    expectUnavailable(await chat("anthropic"));
    expectUnavailable(
      await call(testRoute.POST, { method: "POST", as: ada, body: { providerId: providers.openai!.id } }),
    );
    expectUnavailable(
      await call(modelsRoute.GET, { as: ada, path: `/api/user/api-keys/models?providerId=${providers.anthropic!.id}` }),
    );
    // The gateway says it in OpenAI's shape, and nothing is spent or held.
    const viaGateway = await rawGateway("/api/v1/chat/completions", {
      method: "POST",
      token: gatewayToken,
      body: JSON.stringify({ model: "openai/m-1", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(viaGateway.status).toBe(503);
    expect(await viaGateway.json()).toMatchObject({ error: { type: "api_error", code: "key_service_unavailable" } });
    const groq = `sk-test-valid-${fakeKey("")}`;
    expectUnavailable(
      await call(keysRoute.POST, {
        method: "POST",
        as: ada,
        body: { providerId: providers.groq!.id, apiKey: groq, skipValidation: true },
      }),
    );

    // Lists and pages decrypt nothing: they answer as before (but for lastUsedAt, which the playground's one
    // statement stamps on the first key before it is opened: lib/db/chat-start.ts).
    const during = await call<Record<string, unknown>[]>(keysRoute.GET, { as: ada });
    expect(during.status).toBe(200);
    const withoutUse = (rows: Record<string, unknown>[]) => rows.map(({ lastUsedAt: _, ...row }) => row);
    expect(withoutUse(during.json)).toEqual(withoutUse(list.json as Record<string, unknown>[]));
    expect((await call(providersRoute.GET, { as: ada, path: "/api/providers" })).status).toBe(200);
    expect((await getUserApiKeys(ada.id)).map(toListedKeyView).map((k) => k.needsReentry)).toEqual([false, false]);
    // Nothing was written or lost: the groq key was not saved, the envelopes are as they were.
    expect(await envelopes()).toEqual(before);

    const failures = logs.filter((line) => line.includes('"level":"error"')).slice(errorsBefore);
    expect(
      failures.filter((line) => line.includes('the PKCS#11 token \\"byok-test\\" failed (CKR_DEVICE_REMOVED')),
    ).toHaveLength(1);

    hsm.recover();
    expect(await recovered()).toBeGreaterThanOrEqual(1);
    await expectServed("openai");
    await expectServed("anthropic");
    expect(await envelopes()).toEqual(before);
    expect(logs.some((line) => line.includes('the PKCS#11 token \\"byok-test\\" answers again'))).toBe(true);
    // Saving works again, under the token.
    const saved = await call(keysRoute.POST, {
      method: "POST",
      as: ada,
      body: { providerId: providers.groq!.id, apiKey: groq, skipValidation: true },
    });
    expect(saved.status, saved.text).toBe(200);
    keys.groq = groq;
    await expectServed("groq");
  });

  it("a token that hangs: 503 once a call's deadline passes, at most two calls left waiting on it, lists and files unaffected, recovery", async () => {
    await expectServed("openai");
    hsm.hang();
    try {
      // Each try waits out the retry window after the last failure (1 s); the first two wait for their deadline
      // (5 s), then the app stops asking a token that has two calls unanswered. Without that bound, six hung calls
      // would hold every libuv thread: the file read below would never finish.
      for (let attempt = 0; attempt < 6; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const answer = await gatewayChat(attempt % 2 ? "anthropic" : "openai");
        expect(answer.status).toBe(503);
        expect(await answer.json()).toMatchObject({ error: { code: "key_service_unavailable" } });
      }
      expect((await readFile(fileURLToPath(import.meta.url), "utf8")).length).toBeGreaterThan(0);
      expect((await call(keysRoute.GET, { as: ada })).status).toBe(200);
    } finally {
      hsm.recover();
    }
    expect(await recovered()).toBeGreaterThanOrEqual(1);
    await expectServed("anthropic");
  }, 45_000);

  it("a data key opened within KEK_CACHE_SECONDS keeps serving while the token is down; the others answer 503", async () => {
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], cacheSeconds: 60 }); // a new ring, its cache empty
    await expectServed("openai");
    hsm.fail();
    await expectServed("openai");
    expectUnavailable(await chat("anthropic"));
    hsm.recover();
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], cacheSeconds: 0 });
    expect(await recovered()).toBeGreaterThanOrEqual(1);
  });
});
