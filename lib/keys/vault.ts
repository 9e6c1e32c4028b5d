import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import { envelopeKeyId, open, seal } from "@/lib/crypto/secret-box";
import { MAX_KEYS_PER_PROVIDER } from "@/lib/db/key-facts";
import { getSealedUserApiKey, getSealedUserApiKeyById, type KeyForRequest, type SealedRow, usableSealedKeys } from "@/lib/db/keys-for-use";
import { type ApiKeyRecord, getUserApiKeyForProvider, type SaveCheck, type SaveTarget, upsertUserApiKey } from "@/lib/db/user-api-keys";
import { AppError, KeyDecryptionError } from "@/lib/errors";
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
  target: SaveTarget = {},
): Promise<ApiKeyRecord> {
  // The associated data binds user and provider, not the label: a rename re-encrypts nothing (secret-box.ts).
  const { envelope, keyId } = seal(getKeyring(), apiKey ?? "", { userId, providerId }, { allowEmpty: apiKey === null });
  const keyHint = apiKey === null ? "" : maskApiKey(apiKey);
  const saved = await upsertUserApiKey(userId, providerId, { encryptedKey: envelope, keyId, keyHint }, check, target);
  if (!saved) throw tooManyKeys();
  return saved;
}

const tooManyKeys = () =>
  new AppError("too_many_keys", `A provider can hold ${MAX_KEYS_PER_PROVIDER} keys at most. Delete one, or save over one by its label.`);

/** Opens a stored envelope of this user and provider; KeyDecryptionError when the keyring cannot. */
export function openEnvelope(envelope: string, owner: { userId: string; providerId: string }): string {
  return open(getKeyring(), envelope, owner);
}

/** Whether the keyring still holds the key that sealed this envelope (known without decrypting). */
export function canOpenEnvelope(envelope: string): boolean {
  return getKeyring().keys.has(envelopeKeyId(envelope) ?? "");
}

export interface OpenedApiKey {
  id: string;
  label: string;
  apiKey: string;
  isEnabled: boolean;
  expiresAt: Date | null;
  /** The stored envelope it came from: identifies this version of the key (see lib/db/key-health.ts). */
  sealed: string;
}

function opened(userId: string, row: SealedRow): OpenedApiKey {
  const apiKey = openEnvelope(row.encryptedKey, { userId, providerId: row.providerId });
  return { id: row.id, label: row.label, apiKey, isEnabled: row.isEnabled, expiresAt: row.expiresAt, sealed: row.encryptedKey };
}

/** The provider's primary key in plaintext; null when there is none; KeyDecryptionError when the keyring cannot open it. */
export async function openStoredApiKey(userId: string, providerId: string): Promise<OpenedApiKey | null> {
  const row = await getSealedUserApiKey(userId, providerId);
  return row && opened(userId, row);
}

/** One of the user's keys by its id, in plaintext; null when they have no such key. */
export async function openStoredApiKeyById(userId: string, id: string): Promise<(OpenedApiKey & { providerId: string }) | null> {
  const row = await getSealedUserApiKeyById(userId, id);
  return row && openSealedRow(userId, row);
}

/** A row already read (getSealedUserApiKeyById), opened; KeyDecryptionError when the keyring cannot open it. */
export function openSealedRow(userId: string, row: SealedRow): OpenedApiKey & { providerId: string } {
  return { ...opened(userId, row), providerId: row.providerId };
}

export interface KeyForUse {
  /** The key row's id: what usage and health are recorded against (lib/keys/usage.ts, health.ts). */
  id: string;
  label: string;
  /** The masked key: what an answer reports as the key that served (X-Key-Hint). */
  keyHint: string;
  apiKey: string;
  sealed: string;
}

/**
 * The keys a request to the provider may use, in the user's order: enabled, unexpired and readable (a key the
 * keyring cannot open is left out), only the first when the user chose "Always use my first key". `lastUsedAt`
 * is stamped on the first in the same statement. Empty when there is none; KeyDecryptionError when there were
 * usable keys but none could be opened.
 */
export async function openApiKeysForUse(userId: string, providerId: string): Promise<KeyForUse[]> {
  return openKeysForUse({ userId, providerId }, await usableSealedKeys(userId, providerId));
}

/** The usable keys read (openApiKeysForUse, or the playground's statement), opened: the ones that can be. */
export function openKeysForUse(owner: { userId: string; providerId: string }, rows: KeyForRequest[]): KeyForUse[] {
  const readable: KeyForUse[] = [];
  let unreadable: KeyDecryptionError | null = null;
  for (const row of rows) {
    try {
      const apiKey = openEnvelope(row.encryptedKey, owner);
      readable.push({ id: row.id, label: row.label, keyHint: row.keyHint, apiKey, sealed: row.encryptedKey });
    } catch (error) {
      if (!(error instanceof KeyDecryptionError)) throw error;
      unreadable ??= error;
    }
  }
  if (readable.length === 0 && unreadable) throw unreadable;
  return readable;
}

/**
 * Why a request found no usable key, for the failure path only: the provider has keys, all disabled or expired
 * (409 api_key_disabled), or none (404 api_key_not_found). The sentences are the caller's.
 */
export async function noUsableKeyError(
  userId: string,
  provider: { id: string },
  sentences: { disabled: string; missing: string },
): Promise<AppError> {
  const stored = await getUserApiKeyForProvider(userId, provider.id);
  return stored ? new AppError("api_key_disabled", sentences.disabled) : new AppError("api_key_not_found", sentences.missing);
}

/** The first usable key (openApiKeysForUse); null when there is none. */
export async function openApiKeyForUse(userId: string, providerId: string): Promise<KeyForUse | null> {
  return (await openApiKeysForUse(userId, providerId))[0] ?? null;
}
