import { describe, expect, it } from "vitest";
import { getDriver } from "@/lib/db/client";
import { getProviderByRegistryId, listProviders } from "@/lib/db/providers";
import {
  deleteUserApiKey,
  getUserApiKeys,
  setUserApiKeyEnabled,
} from "@/lib/db/user-api-keys";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { DatabaseUnavailableError } from "@/lib/errors";
import { prepareOutage } from "../fixtures/outage";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The database fails under a running app and comes back: every call fails with the typed 503 error, nothing
 * acknowledged is lost, and the app recovers without a restart.
 */
const outage = await prepareOutage();

describe("database outage", () => {
  it("answers every call with DatabaseUnavailableError while down, then recovers with every write intact", async () => {
    expect(await getDriver()).toBe(outage.driver);
    const ada = await insertUser("ada");
    const openai = (await getProviderByRegistryId("openai"))!;
    const before = fakeKey();
    await storeApiKey(ada.id, openai.id, before);

    const calls: [string, () => Promise<unknown>][] = [
      ["getUserApiKeys", () => getUserApiKeys(ada.id)],
      ["storeApiKey", () => storeApiKey(ada.id, openai.id, fakeKey())],
      ["setUserApiKeyEnabled", () => setUserApiKeyEnabled(ada.id, openai.id, false)],
      ["deleteUserApiKey", () => deleteUserApiKey(ada.id, openai.id)],
      ["openStoredApiKey", () => openStoredApiKey(ada.id, openai.id)],
      ["listProviders", () => listProviders(ada.id)],
    ];
    for (const [name, call] of calls) {
      // Again before each call: an embedded engine is reopened by the very next call after a failure.
      await outage.takeDown();
      const error = await call().then(
        () => new Error(`${name} succeeded while the database was down`),
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as DatabaseUnavailableError).status).toBe(503);
      expect((error as Error).message).not.toMatch(/ECONN|PGlite|closed|127\.0\.0\.1/);
    }

    await outage.bringBack();
    expect((await openStoredApiKey(ada.id, openai.id))?.apiKey).toBe(before);
    const after = fakeKey();
    await storeApiKey(ada.id, openai.id, after);
    expect((await openStoredApiKey(ada.id, openai.id))?.apiKey).toBe(after);
    expect(await getUserApiKeys(ada.id)).toHaveLength(1);
  });
});
