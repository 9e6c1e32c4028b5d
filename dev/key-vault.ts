import { getSealedUserApiKeyById } from "@/lib/db/keys-for-use";
import { type KeyForUse, type OpenedApiKey, openApiKeysForUse, openSealedRow } from "@/lib/keys/vault";

/**
 * Shortcuts for tests, the bench and the demo seed over the key vault (lib/keys/vault.ts), which the app itself
 * never needs: a request always opens the keys of its provider in order (openApiKeysForUse), a change by id goes
 * through the key service.
 */

/** The provider's first usable key, opened; null when there is none. */
export async function openApiKeyForUse(userId: string, providerId: string): Promise<KeyForUse | null> {
  return (await openApiKeysForUse(userId, providerId))[0] ?? null;
}

/** One of the user's keys by its id, in plaintext; null when they have no such key. */
export async function openStoredApiKeyById(
  userId: string,
  id: string,
): Promise<(OpenedApiKey & { providerId: string }) | null> {
  const row = await getSealedUserApiKeyById(userId, id);
  return row && openSealedRow(userId, row);
}
