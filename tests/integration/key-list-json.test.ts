import { and, eq, sql } from "drizzle-orm";
import { expect, it, vi } from "vitest";
import { countDecryptions, countListBuilds, countStatements } from "@/dev/counters";
import { startChat } from "@/lib/db/chat-start";
import { createEndpoint, deleteEndpoint } from "@/lib/db/endpoints";
import { stampKeyUse } from "@/lib/db/keys-for-use";
import { getDb } from "@/lib/db/client";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import { createSession } from "@/lib/db/sessions";
import { deleteUserApiKey, getUserApiKeys, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { changeApiKey } from "@/lib/keys/service";
import { recordKeyHealth } from "@/lib/keys/health";
import { recordKeyUsage } from "@/lib/keys/usage";
import { storeApiKey } from "@/lib/keys/vault";
import { openApiKeyForUse } from "@/dev/key-vault";
import { listedKeyViewsJson, toListedKeyView } from "@/lib/keys/view";
import { fakeKey, insertUser, unpricedHold } from "../fixtures/users";

/**
 * The key list's answer is written by the database as JSON (lib/db/key-list-json.ts); everything else maps rows
 * in JavaScript (toListedKeyView). Both must give the same answer for every kind of key.
 */
it("the database's JSON list is toListedKeyView's answer, field for field, ordered by provider and position", async () => {
  const ada = await insertUser("ada");
  const sessionId = await createSession(ada.id, 3_600);
  const openai = (await getProviderByRegistryId("openai"))!;
  const anthropic = (await getProviderByRegistryId("anthropic"))!;
  const google = (await getProviderByRegistryId("google"))!;

  // Three OpenAI keys: checked, limited and used; disabled; expiring, with a label that needs escaping.
  const first = await storeApiKey(
    ada.id,
    openai.id,
    fakeKey(),
    { health: "ok", message: "OpenAI accepted this key." },
    { label: "Work" },
  );
  const second = await storeApiKey(ada.id, openai.id, fakeKey(), null, { label: "Personal" });
  const third = await storeApiKey(ada.id, openai.id, fakeKey(), null, {
    label: 'Ünïcødé "quoted" \\ back',
    expiresAt: new Date(Date.now() + 3 * 86_400_000),
  });
  const used = (await openApiKeyForUse(ada.id, openai.id))!;
  await recordKeyUsage(ada.id, used.id, { inputTokens: 12, outputTokens: 34 });
  await recordKeyUsage(ada.id, used.id, { failed: true });
  await recordKeyHealth(
    { userId: ada.id, providerId: openai.id, encryptedKey: used.sealed, id: used.id },
    { status: "limited", message: 'Rate limited: "slow down"\nthen retry' },
    "chat",
  );
  const db = await getDb();
  await db.update(userApiKey).set({ isEnabled: false }).where(eq(userApiKey.id, second.id));
  // Anthropic: sealed by a key that has left the keyring (needs re-entry), expired yesterday.
  const old = await storeApiKey(ada.id, anthropic.id, fakeKey());
  await db
    .update(userApiKey)
    .set({ keyId: "retired", expiresAt: sql`now() - interval '1 day'` })
    .where(and(eq(userApiKey.id, old.id), eq(userApiKey.userId, ada.id)));
  // Google: a key saved without a check, never used.
  await storeApiKey(ada.id, google.id, fakeKey());
  // Another user's key never shows.
  const babbage = await insertUser("babbage");
  await storeApiKey(babbage.id, openai.id, fakeKey());

  const written = await countDecryptions(() => countStatements(() => listedKeyViewsJson(ada.id, sessionId)));
  expect(written.result.count).toBe(1);
  expect(written.count).toBe(0);
  const fromDatabase = JSON.parse(written.result.result!) as unknown[];

  const mapped = (await getUserApiKeys(ada.id))
    .map(toListedKeyView)
    .sort((a, b) => a.providerId.localeCompare(b.providerId) || a.position - b.position || a.id.localeCompare(b.id));
  expect(mapped).toHaveLength(5);
  expect(fromDatabase).toStrictEqual(mapped);
  expect(mapped.map((k) => k.id)).toEqual(expect.arrayContaining([first.id, second.id, third.id, old.id]));
  // What the fixture was built to cover is there.
  expect(mapped.find((k) => k.id === old.id)).toMatchObject({ needsReentry: true });
  expect(mapped.find((k) => k.id === used.id)).toMatchObject({
    health: "limited",
    usage: { requests: 2, inputTokens: 12, outputTokens: 34, errors: 1 },
  });
  expect(mapped.find((k) => k.id === second.id)).toMatchObject({ isEnabled: false, lastUsedAt: null });
  expect(mapped.find((k) => k.id === third.id)!.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

it("the answer is held in memory until the user's keys change, by any write, or the day or the keyring does", async () => {
  const ada = await insertUser("ada");
  const sessionId = await createSession(ada.id, 3_600);
  const openai = (await getProviderByRegistryId("openai"))!;
  const mistral = (await getProviderByRegistryId("mistral"))!;
  /** One listing: whether the database wrote the JSON, and that the answer is what the rows say now. */
  const listing = async () => {
    const { result, count } = await countListBuilds(() => listedKeyViewsJson(ada.id, sessionId));
    const fresh = (await getUserApiKeys(ada.id))
      .map(toListedKeyView)
      .sort((a, b) => a.providerId.localeCompare(b.providerId) || a.position - b.position || a.id.localeCompare(b.id));
    expect(JSON.parse(result!)).toStrictEqual(fresh);
    return count;
  };
  expect(await listing()).toBe(1); // nothing held yet (no keys: the state of an empty list)
  expect(await listing()).toBe(0);

  const first = await storeApiKey(ada.id, openai.id, fakeKey(), null, { label: "Work" });
  const second = await storeApiKey(ada.id, openai.id, fakeKey(), null, { label: "Home" });
  expect(await listing()).toBe(1);
  expect(await listing()).toBe(0);
  const opened = (await openApiKeyForUse(ada.id, openai.id))!;
  const endpoint = await createEndpoint(ada.id, { name: "Ada's vLLM", baseUrl: "https://llm.example.com/v1" });
  await storeApiKey(ada.id, endpoint.id, fakeKey());
  const db = await getDb();
  const writes: [string, () => Promise<unknown>][] = [
    ["a new key", () => storeApiKey(ada.id, mistral.id, fakeKey())],
    ["a key replaced", () => storeApiKey(ada.id, openai.id, fakeKey(), null, { label: "home" })],
    ["disabled by provider", () => setUserApiKeyEnabled(ada.id, mistral.id, false)],
    ["renamed", () => changeApiKey(ada.id, first.id, { label: "Office" })],
    ["moved", () => changeApiKey(ada.id, second.id, { position: 0 })],
    ["an expiry", () => changeApiKey(ada.id, first.id, { expiresAt: new Date(Date.now() + 86_400_000) })],
    [
      "its health",
      () =>
        recordKeyHealth(
          { userId: ada.id, providerId: openai.id, encryptedKey: opened.sealed, id: opened.id },
          { status: "invalid", message: "No." },
          "recheck",
        ),
    ],
    ["a use counted", () => recordKeyUsage(ada.id, opened.id, { inputTokens: 1, outputTokens: 2 })],
    ["a use stamped", () => stampKeyUse(ada.id, first.id)],
    [
      "a chat begun",
      () =>
        startChat(
          ada.id,
          sessionId,
          openai.id,
          { key: `chat:${ada.id}`, points: 100, windowSeconds: 60 },
          unpricedHold(),
        ),
    ],
    ["re-sealed (rotation)", () => db.update(userApiKey).set({ keyId: "retired" }).where(eq(userApiKey.id, second.id))],
    ["its endpoint deleted", () => deleteEndpoint(ada.id, endpoint.id)],
    ["deleted", () => deleteUserApiKey(ada.id, mistral.id)],
  ];
  for (const [what, write] of writes) {
    await write();
    expect(await listing(), what).toBe(1);
    expect(await listing(), `${what}, listed again`).toBe(0);
  }

  // Another user's writes leave this user's answer held.
  await storeApiKey((await insertUser("babbage")).id, openai.id, fakeKey());
  expect(await listing()).toBe(0);
  // A new day (the 30-day totals move) and another keyring (re-entry is judged by it) write it again.
  const tomorrow = Date.now() + 86_400_000;
  vi.spyOn(Date, "now").mockReturnValue(tomorrow);
  expect(await listing()).toBe(1);
  expect(await listing()).toBe(0);
  vi.restoreAllMocks();
  expect(await listing()).toBe(1);
  vi.stubEnv(
    "API_KEY_ENCRYPTION_KEYS",
    `${process.env.API_KEY_ENCRYPTION_KEYS},retired:${Buffer.alloc(32, 9).toString("base64")}`,
  );
  expect(await listing()).toBe(1);
  expect(await listing()).toBe(0);
  vi.unstubAllEnvs();
});
