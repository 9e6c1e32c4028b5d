import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { withDb } from "./client";
import { preparedPerHandle } from "./prepared";
import type { Database } from "./types";
import { eventsFrom, eventType } from "./key-events";
import { type ApiKeyRecord, lockedKeys, pickRecord, recordColumns, writtenColumns } from "./key-rows";
import { userApiKey } from "./schema";
import { last30Days, utcToday } from "./usage-window";
import { isUuid } from "./uuid";

/**
 * The UserApiKey table: plain reads and writes, each one SQL statement, each scoped by `userId`. Every change
 * writes its activity event in that same statement (a data-modifying CTE, lib/db/key-events.ts). This module
 * never sees a plaintext key: it stores and returns the sealed envelope and the mask that lib/keys computed.
 *
 * Here: the list and the writes by provider (the seed's calls, which act on the provider's primary key); a save:
 * key-save.ts. By id:
 * user-api-keys-by-id.ts; the envelopes handed to lib/keys for a request: keys-for-use.ts; what every write of
 * several keys shares (columns, locking, position clashes): key-rows.ts.
 */

export type { ApiKeyRecord } from "./key-rows";

/** Requests, tokens and errors over the last 30 days (UTC), today included. */
export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  costMicroUsd: number;
}

/** A row of the listing: the record and its 30-day usage. */
export type ListedApiKey = ApiKeyRecord & { usage: UsageTotals };

const ownedBy = (userId: string, providerId: string) =>
  and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId));

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
      costMicroUsd: last30Days("costMicroUsd", today),
    })
    .from(userApiKey)
    .where(eq(userApiKey.userId, sql.placeholder("userId")));
};

type ListRow = ApiKeyRecord & UsageTotals;

function listed({ requests, inputTokens, outputTokens, errors, costMicroUsd, ...record }: ListRow): ListedApiKey {
  return { ...record, usage: { requests, inputTokens, outputTokens, errors, costMicroUsd } };
}

// The hot read paths: each query is built and prepared once per database handle, not per request.
const listQuery = preparedPerHandle((db) => selectList(db).prepare("user_api_keys_list"));

/** Every key of a user with its 30-day usage. One SELECT, no ciphertext read. */
export async function getUserApiKeys(userId: string): Promise<ListedApiKey[]> {
  if (!isUuid(userId)) return [];
  const rows = await withDb((db) => listQuery(db).execute({ userId, today: utcToday() }));
  return rows.map(listed);
}

/** The provider's primary key (the lowest position) of this user, without its envelope. */
export async function getUserApiKeyForProvider(userId: string, providerId: string): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .select(recordColumns)
      .from(userApiKey)
      .where(ownedBy(userId, providerId))
      .orderBy(asc(userApiKey.position), asc(userApiKey.id))
      .limit(1),
  );
  return row ?? null;
}

/** Deletes every key of the provider in one statement, a `key_deleted` event each; false when there was none. */
export async function deleteUserApiKey(userId: string, providerId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(providerId)) return false;
  const rows = await withDb((db) => {
    // Locked in id order first, as every write of several keys does: concurrent writers queue, never deadlock.
    const locked = db.$with("locked", {}).as(lockedKeys(userId, providerId));
    const k = db.$with("k").as(
      db
        .delete(userApiKey)
        .where(and(ownedBy(userId, providerId), sql`${userApiKey.id} in (select id from locked)`))
        .returning({
          id: userApiKey.id,
          userId: userApiKey.userId,
          providerId: userApiKey.providerId,
          label: userApiKey.label,
        }),
    );
    const e = eventsFrom(db, "e", k, {
      userId: k.userId,
      type: eventType("key_deleted"),
      providerId: k.providerId,
      detail: sql`jsonb_build_object('label', ${k.label})`,
    });
    return db.with(locked, k, e).select({ id: k.id }).from(k);
  });
  return rows.length > 0;
}

/** The provider's primary key (the lowest position) of this user, as a condition on UserApiKey.id. */
const isPrimary = (userId: string, providerId: string) =>
  sql`${userApiKey.id} = (select p.id from ${userApiKey} as p where p."userId" = ${userId}::uuid and p."providerId" = ${providerId}::uuid
    order by p.position, p.id limit 1)`;

/**
 * Enables or disables the provider's primary key in one statement; `key_enabled` / `key_disabled` is written only
 * when the state changed. The previous state is read under the row's lock (FOR UPDATE), so two concurrent toggles
 * log one change, not two. Null when the user had no key for that provider.
 */
export async function setUserApiKeyEnabled(
  userId: string,
  providerId: string,
  isEnabled: boolean,
): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) => {
    const prev = db.$with("prev").as(
      db
        .select({ id: userApiKey.id, was: sql<boolean>`${userApiKey.isEnabled}`.as("was") })
        .from(userApiKey)
        .where(and(ownedBy(userId, providerId), isPrimary(userId, providerId)))
        .for("update"),
    );
    const k = db.$with("k").as(
      db
        .update(userApiKey)
        .set({ isEnabled, updatedAt: sql`now()` })
        .where(eq(userApiKey.id, prev.id))
        .from(prev)
        .returning({ ...writtenColumns, was: sql<boolean>`${prev.was}`.as("wasEnabled") }),
    );
    const e = eventsFrom(db, "e", k, {
      userId: k.userId,
      type: eventType(isEnabled ? "key_enabled" : "key_disabled"),
      providerId: k.providerId,
      detail: sql`jsonb_build_object('label', ${k.label})`,
      when: sql`${k.was} <> ${k.isEnabled}`,
    });
    return db.with(prev, k, e).select(pickRecord(k)).from(k);
  });
  return row ?? null;
}
