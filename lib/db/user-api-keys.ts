import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { preparedPerHandle, withDb } from "./client";
import type { Database } from "./types";
import { constraintName, FOREIGN_KEY_VIOLATION, sqlState } from "./errors";
import { userApiKey, type UserApiKeyRow } from "./schema";
import { selectLiveSession } from "./sessions";
import { isUuid } from "./uuid";

/**
 * The UserApiKey table: plain reads and writes, each one SQL statement, each scoped by `userId`. This module
 * never sees a plaintext key: it stores and returns the sealed envelope and the mask that lib/keys computed.
 */

const recordColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  keyHint: userApiKey.keyHint,
  keyId: userApiKey.keyId,
  isEnabled: userApiKey.isEnabled,
  createdAt: userApiKey.createdAt,
  updatedAt: userApiKey.updatedAt,
  lastValidatedAt: userApiKey.lastValidatedAt,
};

/** A stored key without its ciphertext: what listings are made of (lib/keys/view.ts maps it for clients). */
export type ApiKeyRecord = Pick<UserApiKeyRow, keyof typeof recordColumns>;

/** What lib/keys hands over to store: the envelope, the key id that sealed it, and the mask. */
export interface SealedApiKey {
  encryptedKey: string;
  keyId: string;
  keyHint: string;
}

const ownedBy = (userId: string, providerId: string) =>
  and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId));

const selectList = (db: Database) =>
  db.select(recordColumns).from(userApiKey).where(eq(userApiKey.userId, sql.placeholder("userId")));

// The hot read paths: each query is built and prepared once per database handle, not per request.
const listQuery = preparedPerHandle((db) => selectList(db).prepare("user_api_keys_list"));

/** Every key of a user. One SELECT, no ciphertext read. */
export async function getUserApiKeys(userId: string): Promise<ApiKeyRecord[]> {
  if (!isUuid(userId)) return [];
  return withDb((db) => listQuery(db).execute({ userId }));
}

/**
 * The list behind a live session, still ONE statement: the list's select becomes a CTE, left-joined to the live
 * session (lib/db/sessions.ts). No row: the session has ended (null, a 401); one row with no key: no keys.
 */
const sessionListQuery = preparedPerHandle((db) => {
  const live = db.$with("live").as(selectLiveSession(db));
  const keys = db.$with("keys").as(selectList(db));
  const key = Object.fromEntries(Object.keys(recordColumns).map((name) => [name, keys[name as keyof typeof recordColumns]]));
  return db
    .with(live, keys)
    .select({ session: live.id, key })
    .from(live)
    .leftJoin(keys, sql`true`)
    .prepare("user_api_keys_list_for_session");
});

export async function getUserApiKeysForSession(userId: string, sessionId: string): Promise<ApiKeyRecord[] | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const rows = await withDb((db) => sessionListQuery(db).execute({ userId, sessionId }));
  if (rows.length === 0) return null;
  return rows.flatMap((row) => (row.key ? [row.key as ApiKeyRecord] : []));
}

export async function getUserApiKeyForProvider(userId: string, providerId: string): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) => db.select(recordColumns).from(userApiKey).where(ownedBy(userId, providerId)));
  return row ?? null;
}

/**
 * Creates or replaces the user's key for a provider in ONE statement (INSERT … ON CONFLICT DO UPDATE … RETURNING),
 * so concurrent saves can never produce two rows or a lost update. Re-saving a key enables it again.
 */
export async function upsertUserApiKey(
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  options: { validatedAt?: Date | null } = {},
): Promise<ApiKeyRecord> {
  if (!isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  if (!isUuid(userId)) throw new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
  const values = { ...sealed, isEnabled: true, lastValidatedAt: options.validatedAt ?? null };
  try {
    const [row] = await withDb((db) =>
      db
        .insert(userApiKey)
        .values({ userId, providerId, ...values })
        .onConflictDoUpdate({
          target: [userApiKey.userId, userApiKey.providerId],
          set: { ...values, updatedAt: sql`now()` },
        })
        .returning(recordColumns),
    );
    return row!;
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
): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ isEnabled, updatedAt: sql`now()` })
      .where(ownedBy(userId, providerId))
      .returning(recordColumns),
  );
  return row ?? null;
}

/**
 * Records that the stored key was just checked against its provider, but only if it is still the key that was
 * checked (`encryptedKey`, from getSealedUserApiKey): a key replaced during the check is not stamped.
 */
export async function markUserApiKeyValidated(
  userId: string,
  providerId: string,
  encryptedKey: string,
): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastValidatedAt: sql`now()` })
      .where(and(ownedBy(userId, providerId), eq(userApiKey.encryptedKey, encryptedKey)))
      .returning(recordColumns),
  );
  return row ?? null;
}

/** The stored envelope, for lib/keys to open. Null when there is no key. */
export async function getSealedUserApiKey(
  userId: string,
  providerId: string,
): Promise<{ encryptedKey: string; isEnabled: boolean } | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .select({ encryptedKey: userApiKey.encryptedKey, isEnabled: userApiKey.isEnabled })
      .from(userApiKey)
      .where(ownedBy(userId, providerId)),
  );
  return row ?? null;
}

/**
 * For a request to the provider: stamps `lastUsedAt` on the enabled key and returns its envelope, in one
 * statement (one round trip on the hot path). Null when there is no enabled key.
 */
export async function stampUseAndGetSealedKey(userId: string, providerId: string): Promise<string | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastUsedAt: sql`now()` })
      .where(and(ownedBy(userId, providerId), eq(userApiKey.isEnabled, true)))
      .returning({ encryptedKey: userApiKey.encryptedKey }),
  );
  return row?.encryptedKey ?? null;
}
