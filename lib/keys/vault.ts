import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import { open, seal } from "@/lib/crypto/secret-box";
import {
  type ApiKeyRecord,
  getSealedUserApiKey,
  stampUseAndGetSealedKey,
  upsertUserApiKey,
} from "@/lib/db/user-api-keys";
import { maskApiKey } from "./mask";

/**
 * The only place a plaintext key meets the database: sealed (and masked) on the way in, opened on the way out
 * for server code that calls the provider. Callers must never log or return what they get.
 */

/**
 * Seals and stores the user's key for a provider (one statement), masked for listings. `null` is "no key", for a
 * custom endpoint that needs none (lib/keys/service.ts allows it for nothing else): the empty string is sealed,
 * the mask is empty, and opening it gives "" (requests then carry no Authorization header).
 */
export async function storeApiKey(
  userId: string,
  providerId: string,
  apiKey: string | null,
  options: { validatedAt?: Date | null } = {},
): Promise<ApiKeyRecord> {
  const { envelope, keyId } = seal(getKeyring(), apiKey ?? "", { userId, providerId }, { allowEmpty: apiKey === null });
  const keyHint = apiKey === null ? "" : maskApiKey(apiKey);
  return upsertUserApiKey(userId, providerId, { encryptedKey: envelope, keyId, keyHint }, options);
}

export interface OpenedApiKey {
  apiKey: string;
  isEnabled: boolean;
  /** The stored envelope it came from: identifies this version of the key (see markUserApiKeyValidated). */
  sealed: string;
}

/** The stored key in plaintext; null when there is none; KeyDecryptionError when the keyring cannot open it. */
export async function openStoredApiKey(userId: string, providerId: string): Promise<OpenedApiKey | null> {
  const row = await getSealedUserApiKey(userId, providerId);
  if (!row) return null;
  return {
    apiKey: open(getKeyring(), row.encryptedKey, { userId, providerId }),
    isEnabled: row.isEnabled,
    sealed: row.encryptedKey,
  };
}

/** The enabled key in plaintext, `lastUsedAt` stamped in the same statement; null when there is no enabled key. */
export async function openApiKeyForUse(userId: string, providerId: string): Promise<string | null> {
  const sealed = await stampUseAndGetSealedKey(userId, providerId);
  return sealed === null ? null : open(getKeyring(), sealed, { userId, providerId });
}
