import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import { envelopeKeyId, open, seal } from "@/lib/crypto/secret-box";
import {
  type ApiKeyRecord,
  getSealedUserApiKey,
  type SaveCheck,
  stampUseAndGetSealedKey,
  upsertUserApiKey,
} from "@/lib/db/user-api-keys";
import { maskApiKey } from "./mask";

/**
 * The only place a plaintext key meets the database: sealed (and masked) on the way in, opened on the way out
 * for server code that calls the provider. Callers must never log or return what they get.
 */

/**
 * Seals and stores the user's key for a provider (one statement, with its activity event), masked for listings.
 * `check` is what the provider said before the save; null when the check was skipped. `null` is "no key", for a
 * custom endpoint that needs none (lib/keys/service.ts allows it for nothing else): the empty string is sealed,
 * the mask is empty, and opening it gives "" (requests then carry no Authorization header).
 */
export async function storeApiKey(
  userId: string,
  providerId: string,
  apiKey: string | null,
  check: SaveCheck | null = null,
): Promise<ApiKeyRecord> {
  const { envelope, keyId } = seal(getKeyring(), apiKey ?? "", { userId, providerId }, { allowEmpty: apiKey === null });
  const keyHint = apiKey === null ? "" : maskApiKey(apiKey);
  return upsertUserApiKey(userId, providerId, { encryptedKey: envelope, keyId, keyHint }, check);
}

/** Opens a stored envelope of this user and provider; KeyDecryptionError when the keyring cannot. */
export function openEnvelope(envelope: string, owner: { userId: string; providerId: string }): string {
  return open(getKeyring(), envelope, owner);
}

/** Whether the keyring still holds the key that sealed this envelope (known without decrypting). */
export function canOpenEnvelope(envelope: string): boolean {
  return getKeyring().keys.has(envelopeKeyId(envelope) ?? "");
}

export interface OpenedApiKey {
  apiKey: string;
  isEnabled: boolean;
  /** The stored envelope it came from: identifies this version of the key (see lib/db/key-health.ts). */
  sealed: string;
}

/** The stored key in plaintext; null when there is none; KeyDecryptionError when the keyring cannot open it. */
export async function openStoredApiKey(userId: string, providerId: string): Promise<OpenedApiKey | null> {
  const row = await getSealedUserApiKey(userId, providerId);
  if (!row) return null;
  return { apiKey: openEnvelope(row.encryptedKey, { userId, providerId }), isEnabled: row.isEnabled, sealed: row.encryptedKey };
}

export interface KeyForUse {
  /** The key row's id: what usage is recorded against (lib/keys/usage.ts). */
  id: string;
  apiKey: string;
  sealed: string;
  /** Its mask, as listed (what `X-Key-Hint` reports). */
  keyHint: string;
}

/** The enabled key in plaintext, `lastUsedAt` stamped in the same statement; null when there is no enabled key. */
export async function openApiKeyForUse(userId: string, providerId: string): Promise<KeyForUse | null> {
  const row = await stampUseAndGetSealedKey(userId, providerId);
  if (!row) return null;
  return { id: row.id, apiKey: openEnvelope(row.encryptedKey, { userId, providerId }), sealed: row.encryptedKey, keyHint: row.keyHint };
}
