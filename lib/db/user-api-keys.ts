import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getKeyring } from "@/lib/crypto/keyring";
import { open, seal } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import { maskApiKey } from "@/lib/keys/mask";
import { type Database, withDb } from "./client";
import { constraintName, FOREIGN_KEY_VIOLATION, sqlState } from "./errors";
import { userApiKey, type UserApiKeyRow } from "./schema";
import { isUuid } from "./uuid";

/** What a listing shows: masked, and never decrypted to produce. The REST shape of CONTRACT.md. */
export interface ApiKeySummary {
  id: string;
  providerId: string;
  /** The masked hint stored at save time. */
  apiKey: string;
  isEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastValidatedAt: Date | null;
  /** The key that sealed this row is not in the keyring: the user must enter the key again. */
  needsReentry: boolean;
}

const summaryColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  keyHint: userApiKey.keyHint,
  keyId: userApiKey.keyId,
  isEnabled: userApiKey.isEnabled,
  createdAt: userApiKey.createdAt,
  updatedAt: userApiKey.updatedAt,
  lastValidatedAt: userApiKey.lastValidatedAt,
};

type SummaryRow = Pick<UserApiKeyRow, keyof typeof summaryColumns>;

function toSummary(row: SummaryRow, keyIds: ReadonlyMap<string, unknown>): ApiKeySummary {
  return {
    id: row.id,
    providerId: row.providerId,
    apiKey: row.keyHint,
    isEnabled: row.isEnabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastValidatedAt: row.lastValidatedAt,
    needsReentry: !keyIds.has(row.keyId),
  };
}

const ownedBy = (userId: string, providerId: string) =>
  and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId));

// The hot read path, prepared once per database handle: the query is built once, not per request.
const listQueries = new WeakMap<Database, ReturnType<typeof prepareList>>();
const prepareList = (db: Database) =>
  db
    .select(summaryColumns)
    .from(userApiKey)
    .where(eq(userApiKey.userId, sql.placeholder("userId")))
    .prepare("user_api_keys_list");

/** Every key of a user, masked. One SELECT; decrypts nothing. */
export async function getUserApiKeys(userId: string): Promise<ApiKeySummary[]> {
  if (!isUuid(userId)) return [];
  const rows = await withDb((db) => {
    let list = listQueries.get(db);
    if (!list) listQueries.set(db, (list = prepareList(db)));
    return list.execute({ userId });
  });
  const { keys } = getKeyring();
  return rows.map((row) => toSummary(row, keys));
}

export async function getUserApiKeyForProvider(userId: string, providerId: string): Promise<ApiKeySummary | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) => db.select(summaryColumns).from(userApiKey).where(ownedBy(userId, providerId)));
  return row ? toSummary(row, getKeyring().keys) : null;
}

/**
 * Creates or replaces the user's key for a provider in ONE statement (INSERT … ON CONFLICT DO UPDATE … RETURNING),
 * so concurrent saves can never produce two rows or a lost update. Re-saving a key enables it again.
 */
export async function setUserApiKey(
  userId: string,
  providerId: string,
  apiKey: string,
  options: { validatedAt?: Date | null } = {},
): Promise<ApiKeySummary> {
  if (!isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  if (!isUuid(userId)) throw new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
  const keyring = getKeyring();
  const { envelope, keyId } = seal(keyring, apiKey, { userId, providerId });
  const values = {
    encryptedKey: envelope,
    keyId,
    keyHint: maskApiKey(apiKey),
    isEnabled: true,
    lastValidatedAt: options.validatedAt ?? null,
  };
  try {
    const [row] = await withDb((db) =>
      db
        .insert(userApiKey)
        .values({ userId, providerId, ...values })
        .onConflictDoUpdate({
          target: [userApiKey.userId, userApiKey.providerId],
          set: { ...values, updatedAt: sql`now()` },
        })
        .returning(summaryColumns),
    );
    return toSummary(row!, keyring.keys);
  } catch (error) {
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw constraintName(error)?.includes("providerId")
        ? new AppError("provider_not_found", "There is no such provider.")
        : new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
    }
    throw error;
  }
}

/** Deletes in one statement; false when the user had no key for that provider. */
export async function deleteUserApiKey(userId: string, providerId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(providerId)) return false;
  const rows = await withDb((db) =>
    db.delete(userApiKey).where(ownedBy(userId, providerId)).returning({ id: userApiKey.id }),
  );
  return rows.length > 0;
}

/** Enables or disables in one statement; null when the user had no key for that provider. */
export async function setUserApiKeyEnabled(
  userId: string,
  providerId: string,
  isEnabled: boolean,
): Promise<ApiKeySummary | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ isEnabled, updatedAt: sql`now()` })
      .where(ownedBy(userId, providerId))
      .returning(summaryColumns),
  );
  return row ? toSummary(row, getKeyring().keys) : null;
}

/**
 * Records that the stored key was just checked against its provider, but only if it is still the key that was
 * checked (`sealed`, from getDecryptedUserApiKey): a key replaced during the check is not stamped.
 */
export async function markUserApiKeyValidated(
  userId: string,
  providerId: string,
  sealed: string,
): Promise<ApiKeySummary | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastValidatedAt: sql`now()` })
      .where(and(ownedBy(userId, providerId), eq(userApiKey.encryptedKey, sealed)))
      .returning(summaryColumns),
  );
  return row ? toSummary(row, getKeyring().keys) : null;
}

export interface DecryptedApiKey {
  apiKey: string;
  isEnabled: boolean;
  /** The stored envelope it came from: identifies this version of the key (see markUserApiKeyValidated). */
  sealed: string;
}

/**
 * The only function that decrypts: hands the plaintext to server code that calls the provider. Null when there
 * is no key; throws KeyDecryptionError when the keyring cannot open it. The caller must not log or return it.
 */
export async function getDecryptedUserApiKey(userId: string, providerId: string): Promise<DecryptedApiKey | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .select({ encryptedKey: userApiKey.encryptedKey, isEnabled: userApiKey.isEnabled })
      .from(userApiKey)
      .where(ownedBy(userId, providerId)),
  );
  if (!row) return null;
  return {
    apiKey: open(getKeyring(), row.encryptedKey, { userId, providerId }),
    isEnabled: row.isEnabled,
    sealed: row.encryptedKey,
  };
}

/**
 * For a request to the provider: the enabled key's plaintext, stamping `lastUsedAt` in the same statement (one
 * round trip on the hot path). Null when there is no enabled key; throws KeyDecryptionError when it is unreadable.
 */
export async function takeUserApiKeyForUse(userId: string, providerId: string): Promise<string | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastUsedAt: sql`now()` })
      .where(and(ownedBy(userId, providerId), eq(userApiKey.isEnabled, true)))
      .returning({ encryptedKey: userApiKey.encryptedKey }),
  );
  return row ? open(getKeyring(), row.encryptedKey, { userId, providerId }) : null;
}
