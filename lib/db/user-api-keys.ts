import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { preparedPerHandle, withDb } from "./client";
import type { Database } from "./types";
import { constraintName, FOREIGN_KEY_VIOLATION, sqlState } from "./errors";
import { detailOf, eventsFrom, eventType, eventTypeWhen } from "./key-events";
import type { KeyHealth } from "./key-facts";
import { userApiKey, type UserApiKeyRow } from "./schema";
import { selectLiveSession } from "./sessions";
import { last30Days, USAGE_METRICS, utcToday } from "./usage-window";
import { isUuid } from "./uuid";

/**
 * The UserApiKey table: plain reads and writes, each one SQL statement, each scoped by `userId`. Every change
 * writes its activity event in that same statement (a data-modifying CTE, lib/db/key-events.ts). This module
 * never sees a plaintext key: it stores and returns the sealed envelope and the mask that lib/keys computed.
 */

export const recordColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  keyHint: userApiKey.keyHint,
  keyId: userApiKey.keyId,
  isEnabled: userApiKey.isEnabled,
  createdAt: userApiKey.createdAt,
  updatedAt: userApiKey.updatedAt,
  lastValidatedAt: userApiKey.lastValidatedAt,
  lastUsedAt: userApiKey.lastUsedAt,
  health: userApiKey.health,
  healthCheckedAt: userApiKey.healthCheckedAt,
  healthMessage: userApiKey.healthMessage,
};

/** A stored key without its ciphertext: what answers are made of (lib/keys/view.ts maps it for clients). */
export type ApiKeyRecord = Pick<UserApiKeyRow, keyof typeof recordColumns>;

/** Requests, tokens and errors over the last 30 days (UTC), today included. */
export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
}

/** A row of the listing: the record and its 30-day usage. */
export type ListedApiKey = ApiKeyRecord & { usage: UsageTotals };

/** What lib/keys hands over to store: the envelope, the key id that sealed it, and the mask. */
export interface SealedApiKey {
  encryptedKey: string;
  keyId: string;
  keyHint: string;
}

/** What the provider said when the key was checked before saving; none when the check was skipped. */
export interface SaveCheck {
  health: Extract<KeyHealth, "ok" | "limited">;
  message: string;
}

const ownedBy = (userId: string, providerId: string) =>
  and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId));

/** The first day of the 30-day window, in UTC like the usage rows' days (lib/db/key-usage.ts). */
export const usageWindowStart = sql`(now() at time zone 'utc')::date - 29`;

// The 30-day totals come from the key row itself (usage-window.ts): no join, no aggregate. Flat columns (a CTE
// takes no nested ones); `listed` gathers them into `usage`.
const selectList = (db: Database) => {
  const today = sql.placeholder("today");
  return db
    .select({
      ...recordColumns,
      requests: last30Days("requests", today),
      inputTokens: last30Days("inputTokens", today),
      outputTokens: last30Days("outputTokens", today),
      errors: last30Days("errors", today),
    })
    .from(userApiKey)
    .where(eq(userApiKey.userId, sql.placeholder("userId")));
};

type ListRow = ApiKeyRecord & UsageTotals;

function listed({ requests, inputTokens, outputTokens, errors, ...record }: ListRow): ListedApiKey {
  return { ...record, usage: { requests, inputTokens, outputTokens, errors } };
}

// The hot read paths: each query is built and prepared once per database handle, not per request.
const listQuery = preparedPerHandle((db) => selectList(db).prepare("user_api_keys_list"));

/** Every key of a user with its 30-day usage. One SELECT, no ciphertext read. */
export async function getUserApiKeys(userId: string): Promise<ListedApiKey[]> {
  if (!isUuid(userId)) return [];
  const rows = await withDb((db) => listQuery(db).execute({ userId, today: utcToday() }));
  return rows.map(listed);
}

/**
 * The list behind a live session, still ONE statement: the list's select becomes a CTE, left-joined to the live
 * session (lib/db/sessions.ts). No row: the session has ended (null, a 401); one row with no key: no keys.
 */
const LIST_COLUMNS = [...Object.keys(recordColumns), ...USAGE_METRICS] as (keyof ListRow)[];
const sessionListQuery = preparedPerHandle((db) => {
  const live = db.$with("live").as(selectLiveSession(db));
  const keys = db.$with("keys").as(selectList(db));
  const key = Object.fromEntries(LIST_COLUMNS.map((name) => [name, keys[name]]));
  return db
    .with(live, keys)
    .select({ session: live.id, key })
    .from(live)
    .leftJoin(keys, sql`true`)
    .prepare("user_api_keys_list_for_session");
});

export async function getUserApiKeysForSession(userId: string, sessionId: string): Promise<ListedApiKey[] | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const rows = await withDb((db) => sessionListQuery(db).execute({ userId, sessionId, today: utcToday() }));
  if (rows.length === 0) return null;
  return rows.flatMap((row) => (row.key?.id ? [listed(row.key as unknown as ListRow)] : []));
}

export async function getUserApiKeyForProvider(userId: string, providerId: string): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) => db.select(recordColumns).from(userApiKey).where(ownedBy(userId, providerId)));
  return row ?? null;
}

/**
 * Creates or replaces the user's key for a provider in ONE statement (INSERT … ON CONFLICT DO UPDATE … RETURNING,
 * with its `key_created` or `key_replaced` event), so concurrent saves can never produce two rows, a lost update,
 * or a change without its event. Re-saving a key enables it again; its health is what the check said.
 */
export async function upsertUserApiKey(
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  check: SaveCheck | null,
): Promise<ApiKeyRecord> {
  if (!isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  if (!isUuid(userId)) throw new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
  const checkedAt = check ? sql`now()` : null;
  const values = {
    ...sealed,
    isEnabled: true,
    lastValidatedAt: checkedAt,
    health: check?.health ?? ("unchecked" as KeyHealth),
    healthMessage: check?.message ?? null,
    healthCheckedAt: checkedAt,
    recheckLeaseUntil: null,
  };
  try {
    const [row] = await withDb((db) => {
      const k = db.$with("k").as(
        db
          .insert(userApiKey)
          .values({ userId, providerId, ...values })
          .onConflictDoUpdate({ target: [userApiKey.userId, userApiKey.providerId], set: { ...values, updatedAt: sql`now()` } })
          // xmax is 0 on a row this statement inserted, the updating transaction's id on one it replaced.
          .returning({ ...recordColumns, userId: userApiKey.userId, inserted: sql<boolean>`(xmax = 0)`.as("inserted") }),
      );
      const e = eventsFrom(db, "e", k, {
        userId: k.userId,
        type: eventTypeWhen(sql`${k.inserted}`, "key_created", "key_replaced"),
        providerId: k.providerId,
        detail: detailOf({ checked: check !== null, health: values.health }),
      });
      return db.with(k, e).select(pickRecord(k)).from(k);
    });
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

/** The record's columns of a CTE that returned them (and maybe more). */
function pickRecord<T extends Record<keyof typeof recordColumns, unknown>>(cte: T) {
  return Object.fromEntries(Object.keys(recordColumns).map((name) => [name, cte[name as keyof typeof recordColumns]])) as {
    [K in keyof typeof recordColumns]: T[K];
  };
}

/** Deletes in one statement with its `key_deleted` event; false when the user had no key for that provider. */
export async function deleteUserApiKey(userId: string, providerId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(providerId)) return false;
  const rows = await withDb((db) => {
    const k = db.$with("k").as(
      db
        .delete(userApiKey)
        .where(ownedBy(userId, providerId))
        .returning({ id: userApiKey.id, userId: userApiKey.userId, providerId: userApiKey.providerId }),
    );
    const e = eventsFrom(db, "e", k, { userId: k.userId, type: eventType("key_deleted"), providerId: k.providerId, detail: detailOf({}) });
    return db.with(k, e).select({ id: k.id }).from(k);
  });
  return rows.length > 0;
}

/**
 * Enables or disables in one statement; `key_enabled` / `key_disabled` is written only when the state changed.
 * The previous state is read under the row's lock (FOR UPDATE), so two concurrent toggles log one change, not two.
 * Null when the user had no key for that provider.
 */
export async function setUserApiKeyEnabled(userId: string, providerId: string, isEnabled: boolean): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) => {
    const prev = db.$with("prev").as(
      db.select({ id: userApiKey.id, was: sql<boolean>`${userApiKey.isEnabled}`.as("was") }).from(userApiKey).where(ownedBy(userId, providerId)).for("update"),
    );
    const k = db.$with("k").as(
      db
        .update(userApiKey)
        .set({ isEnabled, updatedAt: sql`now()` })
        .where(eq(userApiKey.id, prev.id))
        .from(prev)
        .returning({ ...recordColumns, userId: userApiKey.userId, was: sql<boolean>`${prev.was}`.as("wasEnabled") }),
    );
    const e = eventsFrom(db, "e", k, {
      userId: k.userId,
      type: eventType(isEnabled ? "key_enabled" : "key_disabled"),
      providerId: k.providerId,
      detail: detailOf({}),
      when: sql`${k.was} <> ${k.isEnabled}`,
    });
    return db.with(prev, k, e).select(pickRecord(k)).from(k);
  });
  return row ?? null;
}

/** The stored envelope, for lib/keys to open. Null when there is no key. */
export async function getSealedUserApiKey(
  userId: string,
  providerId: string,
): Promise<{ id: string; encryptedKey: string; isEnabled: boolean } | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .select({ id: userApiKey.id, encryptedKey: userApiKey.encryptedKey, isEnabled: userApiKey.isEnabled })
      .from(userApiKey)
      .where(ownedBy(userId, providerId)),
  );
  return row ?? null;
}

/**
 * For a request to the provider: stamps `lastUsedAt` on the enabled key and returns its id and envelope, in one
 * statement (one round trip on the hot path). Null when there is no enabled key.
 */
export async function stampUseAndGetSealedKey(
  userId: string,
  providerId: string,
): Promise<{ id: string; encryptedKey: string; keyHint: string } | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastUsedAt: sql`now()` })
      .where(and(ownedBy(userId, providerId), eq(userApiKey.isEnabled, true)))
      .returning({ id: userApiKey.id, encryptedKey: userApiKey.encryptedKey, keyHint: userApiKey.keyHint }),
  );
  return row ?? null;
}
