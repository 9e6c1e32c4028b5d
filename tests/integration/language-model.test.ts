import { generateText, streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { getUserApiKeyForProvider, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { storeApiKey } from "@/lib/keys/vault";
import { toKeyView } from "@/lib/keys/view";
import type { PublicUser } from "@/lib/db/users";
import { createProviderFromRegistry } from "@/lib/providers/ai-sdk";
import type { RegistryId } from "@/lib/domain/catalogue";
import { getUserLanguageModel } from "@/lib/keys/language-model";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { keyringEntry } from "../fixtures/keyring";
import { fakeKey, insertUser } from "../fixtures/users";

const SERVER_KEY = "sk-server-env-key-that-must-never-be-sent";
let fake: FakeProviders;
let ada: PublicUser;
const adaKeys: Partial<Record<RegistryId, string>> = {};

async function giveAdaKey(registryId: RegistryId) {
  const provider = (await getProviderByRegistryId(registryId))!;
  adaKeys[registryId] = `sk-ada-valid-${fakeKey("")}`;
  await storeApiKey(ada.id, provider.id, adaKeys[registryId]!);
}

beforeAll(async () => {
  fake = await startFakeProviders();
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  // The server's own keys and base URLs, which the AI SDK would read if we let it.
  for (const name of [
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GROQ_API_KEY",
    "MISTRAL_API_KEY",
    "XAI_API_KEY",
    "DEEPSEEK_API_KEY",
    "GOOGLE_GENERATIVE_AI_API_KEY",
    "OPENROUTER_API_KEY",
  ]) {
    vi.stubEnv(name, SERVER_KEY);
  }
  vi.stubEnv("OPENAI_BASE_URL", `${fake.url}/openai/v1`);
  vi.stubEnv("ANTHROPIC_BASE_URL", `${fake.url}/anthropic/v1`);
  ada = await insertUser("ada");
  for (const id of ["openai", "anthropic", "openrouter", "groq"] as const) await giveAdaKey(id);
});

afterAll(async () => {
  await fake.close();
});

function expectOnlyAdasKeys(since: number, registryId: RegistryId) {
  const requests = fake.requests.slice(since);
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(request.registryId).toBe(registryId);
    expect(request.credential).toBe(adaKeys[registryId]);
    expect(JSON.stringify(request.headers)).not.toContain(SERVER_KEY);
  }
}

describe("getUserLanguageModel", () => {
  it.each(["openai", "anthropic", "openrouter", "groq"] as const)(
    "generateText on %s runs on the user's key and nothing else",
    async (registryId) => {
      const since = fake.requests.length;
      const { text } = await generateText({
        model: await getUserLanguageModel(ada.id, registryId, "m-1"),
        prompt: "Hi",
      });
      expect(text).toBe("Hello from the fake provider.");
      expectOnlyAdasKeys(since, registryId);
      expect(fake.requests.at(-1)!.path).toBe(registryId === "anthropic" ? "/messages" : "/chat/completions");
    },
  );

  it.each(["openai", "anthropic"] as const)("streamText on %s streams with the user's key", async (registryId) => {
    const since = fake.requests.length;
    const result = streamText({ model: await getUserLanguageModel(ada.id, registryId, "m-1"), prompt: "Hi" });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("")).toBe("Hello from the fake provider.");
    expectOnlyAdasKeys(since, registryId);
    expect((fake.requests.at(-1)!.body as { stream?: boolean }).stream).toBe(true);
  });

  it("stamps lastUsedAt", async () => {
    const provider = (await getProviderByRegistryId("groq"))!;
    const before = Date.now();
    await getUserLanguageModel(ada.id, "groq", "m-1");
    const { getDb } = await import("@/lib/db/client");
    const { userApiKey } = await import("@/lib/db/schema");
    const { and, eq } = await import("drizzle-orm");
    const [row] = await (
      await getDb()
    )
      .select({ lastUsedAt: userApiKey.lastUsedAt })
      .from(userApiKey)
      .where(and(eq(userApiKey.userId, ada.id), eq(userApiKey.providerId, provider.id)));
    expect(row!.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("refuses, before any request, when the user has no key, a disabled key or an unreadable key", async () => {
    const since = fake.requests.length;
    await expect(getUserLanguageModel(ada.id, "mistral", "m")).rejects.toMatchObject({ code: "api_key_not_found" });

    const babbage = await insertUser("babbage");
    await expect(getUserLanguageModel(babbage.id, "openai", "m")).rejects.toMatchObject({ code: "api_key_not_found" });

    const openai = (await getProviderByRegistryId("openai"))!;
    await setUserApiKeyEnabled(ada.id, openai.id, false);
    await expect(getUserLanguageModel(ada.id, "openai", "m")).rejects.toMatchObject({ code: "api_key_disabled" });
    await setUserApiKeyEnabled(ada.id, openai.id, true);

    const original = process.env.API_KEY_ENCRYPTION_KEYS!;
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", keyringEntry("other"));
    await expect(getUserLanguageModel(ada.id, "openai", "m")).rejects.toMatchObject({ code: "api_key_undecryptable" });
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", original);
    expect(toKeyView((await getUserApiKeyForProvider(ada.id, openai.id))!).needsReentry).toBe(false);

    await expect(getUserLanguageModel(ada.id, "no-such-provider", "m")).rejects.toMatchObject({
      code: "provider_not_found",
    });
    expect(fake.requests.length).toBe(since);
  });
});

describe("createProviderFromRegistry", () => {
  it("refuses an empty key instead of falling back to the server's environment key", () => {
    for (const key of ["", "   "]) {
      expect(() => createProviderFromRegistry("openai", key)).toThrow(
        expect.objectContaining({ code: "api_key_not_found" }),
      );
    }
  });

  it("builds a model for every provider in the catalogue", () => {
    for (const id of ["openai", "anthropic", "google", "mistral", "groq", "xai", "deepseek", "openrouter"]) {
      const model = createProviderFromRegistry(id, "k-123456789").languageModel("m");
      expect(model.modelId).toBe("m");
    }
  });
});
