import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { countStatements } from "@/dev/counters";
import { getDb } from "@/lib/db/client";
import { createEndpoint } from "@/lib/db/endpoints";
import { providersJsonForSession } from "@/lib/db/provider-list-json";
import { getProviderByRegistryId, listProvidersForSession } from "@/lib/db/providers";
import { modelProvider } from "@/lib/db/schema";
import { createSession, revokeSessions } from "@/lib/db/sessions";
import { setFallback } from "@/lib/keys/service";
import { storeApiKey } from "@/lib/keys/vault";
import { setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * GET /api/providers' answer is written by the database as JSON (lib/db/provider-list-json.ts); the JavaScript
 * mapping (listProvidersForSession) must give the same answer, in the same order.
 */
it("the database's JSON is listProvidersForSession's answer, in its order, for every kind of provider", async () => {
  const ada = await insertUser("ada");
  const babbage = await insertUser("babbage");
  const sessionId = await createSession(ada.id, 3_600);
  const openai = (await getProviderByRegistryId("openai"))!;
  const groq = (await getProviderByRegistryId("groq"))!;
  const anthropic = (await getProviderByRegistryId("anthropic"))!;
  await storeApiKey(ada.id, openai.id, fakeKey());
  await storeApiKey(ada.id, openai.id, fakeKey(), null, { label: "Second" });
  await storeApiKey(ada.id, groq.id, fakeKey());
  await setUserApiKeyEnabled(ada.id, groq.id, false);
  await setFallback(ada.id, anthropic.id, false);
  const mine = await createEndpoint(ada.id, { name: 'Ada\'s "vLLM" ✓', baseUrl: "https://llm.example.com/v1" });
  await storeApiKey(ada.id, mine.id, null);
  await createEndpoint(ada.id, { name: "Second endpoint", baseUrl: "http://10.1.2.3:8000/v1" });
  await createEndpoint(babbage.id, { name: "Babbage's", baseUrl: "https://babbage.example.com/v1" });
  // A built-in row the catalogue does not know, and a disabled one: neither is listed.
  const db = await getDb();
  await db
    .insert(modelProvider)
    .values({ registryId: "retired-provider", name: "Retired", description: "", sortOrder: 99 });
  await db
    .update(modelProvider)
    .set({ isEnabled: false })
    .where(and(eq(modelProvider.registryId, "xai")));

  try {
    const written = await countStatements(() => providersJsonForSession(ada.id, sessionId));
    expect(written.count).toBe(1);
    const mapped = (await listProvidersForSession(ada.id, sessionId))!;
    expect(JSON.parse(written.result!)).toStrictEqual(mapped);
    // What the fixture was built to cover is there.
    expect(mapped.find((p) => p.id === openai.id)).toMatchObject({ hasApiKey: true, isEnabled: true, fallback: true });
    expect(mapped.find((p) => p.id === groq.id)).toMatchObject({ hasApiKey: true, isEnabled: false });
    expect(mapped.find((p) => p.id === anthropic.id)).toMatchObject({ hasApiKey: false, fallback: false });
    expect(mapped.filter((p) => p.registryId === "custom").map((p) => p.name)).toEqual([
      'Ada\'s "vLLM" ✓',
      "Second endpoint",
    ]);
    expect(mapped.map((p) => p.registryId)).not.toContain("xai");
    expect(mapped.map((p) => p.registryId)).not.toContain("retired-provider");

    await revokeSessions(ada.id);
    expect(await providersJsonForSession(ada.id, sessionId)).toBeNull();
    expect(await providersJsonForSession(ada.id, "not-a-uuid")).toBeNull();
  } finally {
    await db.delete(modelProvider).where(eq(modelProvider.registryId, "retired-provider"));
    await db.update(modelProvider).set({ isEnabled: true }).where(eq(modelProvider.registryId, "xai"));
  }
});
