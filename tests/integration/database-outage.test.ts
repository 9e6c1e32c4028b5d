import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getDriver } from "@/lib/db/client";
import { listKeyEvents } from "@/lib/db/key-events";
import { claimKeysForRecheck, recordHealth } from "@/lib/db/key-health";
import { getDailyUsage } from "@/lib/db/key-usage";
import { keyEvent, keyUsage } from "@/lib/db/schema";
import { getProviderByRegistryId, listProviders, type ProviderRecord } from "@/lib/db/providers";
import { deleteUserApiKey, getUserApiKeys, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { recordKeyUsage } from "@/lib/keys/usage";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { openApiKeyForUse } from "@/dev/key-vault";
import type { PublicUser } from "@/lib/db/users";
import { DatabaseUnavailableError } from "@/lib/errors";
import { prepareOutage } from "../fixtures/outage";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The database fails under a running app and comes back: every call fails with the typed 503 error, nothing
 * acknowledged is lost, nothing half-written appears (no event without its change, no stray usage), and the app
 * recovers without a restart.
 *
 * One test per call, each bounded by what it waits for (one outage, one call; on PGlite taking the database down
 * means reopening the engine the previous call let go of, then shutting it), not by how fast eleven of them run
 * in a row: on a busy machine the whole sequence took longer than one test's 30 s.
 */
const outage = await prepareOutage();

let ada: PublicUser;
let openai: ProviderRecord;
let before: string;
let keyRow: string;
let checked: { userId: string; providerId: string; encryptedKey: string };

// The database opened and filled while it is up (the first open of an embedded one is the slowest: the hook's time).
beforeAll(async () => {
  expect(await getDriver()).toBe(outage.driver);
  ada = await insertUser("ada");
  openai = (await getProviderByRegistryId("openai"))!;
  before = fakeKey();
  await storeApiKey(ada.id, openai.id, before);
  const opened = (await openApiKeyForUse(ada.id, openai.id))!;
  keyRow = opened.id;
  checked = { userId: ada.id, providerId: openai.id, encryptedKey: opened.sealed };
  await recordKeyUsage(ada.id, keyRow, { inputTokens: 3 });
});

const calls: [string, () => Promise<unknown>][] = [
  ["getUserApiKeys", () => getUserApiKeys(ada.id)],
  ["storeApiKey", () => storeApiKey(ada.id, openai.id, fakeKey())],
  ["setUserApiKeyEnabled", () => setUserApiKeyEnabled(ada.id, openai.id, false)],
  ["deleteUserApiKey", () => deleteUserApiKey(ada.id, openai.id)],
  ["openStoredApiKey", () => openStoredApiKey(ada.id, openai.id)],
  ["listProviders", () => listProviders(ada.id)],
  ["recordKeyUsage", () => recordKeyUsage(ada.id, keyRow, { inputTokens: 5 })],
  [
    "recordHealth",
    () => recordHealth(checked, { health: "rejected", message: "Rejected.", source: "recheck", tested: true }),
  ],
  ["listKeyEvents", () => listKeyEvents(ada.id, { limit: 10 })],
  ["getDailyUsage", () => getDailyUsage(ada.id)],
  ["claimKeysForRecheck", () => claimKeysForRecheck({ checkedBefore: new Date(), limit: 5, leaseSeconds: 60 })],
];

describe("database outage", () => {
  it.each(calls)("%s: DatabaseUnavailableError (503) while the database is down", async (name, call) => {
    // Before each call: an embedded engine is reopened by the very next call after a failure.
    await outage.takeDown();
    const error = await call().then(
      () => new Error(`${name} succeeded while the database was down`),
      (e: unknown) => e,
    );
    expect(error, name).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).status).toBe(503);
    expect((error as Error).message).not.toMatch(/ECONN|PGlite|closed|127\.0\.0\.1/);
  });

  it("recovers with every acknowledged write intact and nothing half-written", async () => {
    await outage.bringBack();
    expect((await openStoredApiKey(ada.id, openai.id))?.apiKey).toBe(before);
    const db = await getDb();
    expect((await db.select().from(keyEvent).where(eq(keyEvent.userId, ada.id))).map((e) => e.type)).toEqual([
      "key_created",
    ]);
    expect(
      await db
        .select({ requests: keyUsage.requests, inputTokens: keyUsage.inputTokens })
        .from(keyUsage)
        .where(eq(keyUsage.userId, ada.id)),
    ).toEqual([{ requests: 1, inputTokens: 3 }]);
    expect((await getUserApiKeys(ada.id))[0]).toMatchObject({ health: "unchecked", isEnabled: true });
    const after = fakeKey();
    await storeApiKey(ada.id, openai.id, after);
    expect((await openStoredApiKey(ada.id, openai.id))?.apiKey).toBe(after);
    expect(await getUserApiKeys(ada.id)).toHaveLength(1);
  });
});
