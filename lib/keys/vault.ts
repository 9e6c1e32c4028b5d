import "server-only";
import { envelopeKekId, open, seal } from "@/lib/crypto/envelope";
import { holdsKek } from "@/lib/crypto/kek/ring";
import { MAX_KEYS_PER_PROVIDER } from "@/lib/domain/key-facts";
import { getSealedUserApiKey, type KeyForRequest, type SealedRow, usableSealedKeys } from "@/lib/db/keys-for-use";
import { type SaveCheck, type SaveTarget, upsertUserApiKey } from "@/lib/db/key-save";
import { type ApiKeyRecord, getUserApiKeyForProvider } from "@/lib/db/user-api-keys";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { maskApiKey } from "./mask";

/**
 * The only place a plaintext key meets the database: sealed (and masked) on the way in, opened on the way out
 * for server code that calls the provider (lib/crypto/envelope.ts does the sealing and opening). Callers must never
 * log or return what they get. Sealing and opening ask the key-encryption key, which may live in an HSM: they are
 * asynchronous, and a KEK that does not answer is a KeyServiceUnavailableError (503), with nothing lost.
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
  // The associated data binds user and provider, not the label: a rename re-encrypts nothing (envelope.ts).
  const { envelope, keyId } = await seal(apiKey ?? "", { userId, providerId }, { allowEmpty: apiKey === null });
  const keyHint = apiKey === null ? "" : maskApiKey(apiKey);
  const saved = await upsertUserApiKey(userId, providerId, { encryptedKey: envelope, keyId, keyHint }, check, target);
  if (!saved) throw tooManyKeys();
  return saved;
}

const tooManyKeys = () =>
  new AppError(
    "too_many_keys",
    `A provider can hold ${MAX_KEYS_PER_PROVIDER} keys at most. Delete one, or save over one by its label.`,
  );

/**
 * Opens a stored envelope of this user and provider; KeyDecryptionError when this server cannot (a KEK it does not
 * hold, tampering), KeyServiceUnavailableError when the KEK does not answer.
 */
export function openEnvelope(envelope: string, owner: { userId: string; providerId: string }): Promise<string> {
  return open(envelope, owner);
}

/** Whether this server holds the KEK that wrapped this envelope (known without decrypting or asking the KEK). */
export function canOpenEnvelope(envelope: string): boolean {
  return holdsKek(envelopeKekId(envelope) ?? "");
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

async function opened(userId: string, row: SealedRow): Promise<OpenedApiKey> {
  const apiKey = await openEnvelope(row.encryptedKey, { userId, providerId: row.providerId });
  return {
    id: row.id,
    label: row.label,
    apiKey,
    isEnabled: row.isEnabled,
    expiresAt: row.expiresAt,
    sealed: row.encryptedKey,
  };
}

/** The provider's primary key in plaintext; null when there is none; KeyDecryptionError when the keyring cannot open it. */
export async function openStoredApiKey(userId: string, providerId: string): Promise<OpenedApiKey | null> {
  const row = await getSealedUserApiKey(userId, providerId);
  return row && opened(userId, row);
}

/** A row already read (getSealedUserApiKeyById), opened; KeyDecryptionError when this server cannot open it. */
export async function openSealedRow(userId: string, row: SealedRow): Promise<OpenedApiKey & { providerId: string }> {
  return { ...(await opened(userId, row)), providerId: row.providerId };
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

/**
 * The usable keys read (openApiKeysForUse, or the playground's statement), opened together, in their order: the
 * ones that can be. A KEK that does not answer fails the whole (503): no key is silently skipped for it.
 */
export async function openKeysForUse(
  owner: { userId: string; providerId: string },
  rows: KeyForRequest[],
): Promise<KeyForUse[]> {
  const outcomes = await Promise.allSettled(rows.map((row) => openEnvelope(row.encryptedKey, owner)));
  const readable: KeyForUse[] = [];
  let unreadable: KeyDecryptionError | null = null;
  for (const [index, outcome] of outcomes.entries()) {
    const row = rows[index]!;
    if (outcome.status === "fulfilled") {
      readable.push({
        id: row.id,
        label: row.label,
        keyHint: row.keyHint,
        apiKey: outcome.value,
        sealed: row.encryptedKey,
      });
    } else if (outcome.reason instanceof KeyDecryptionError) {
      unreadable ??= outcome.reason;
    } else {
      throw outcome.reason;
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
  return stored
    ? new AppError("api_key_disabled", sentences.disabled)
    : new AppError("api_key_not_found", sentences.missing);
}
