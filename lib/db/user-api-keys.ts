import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import { preparedPerHandle } from "./prepared";
import type { Database } from "./types";
import { ownerForeignKeyError } from "./errors";
import { detailOf, eventsFrom, eventType, eventTypeWhen } from "./key-events";
import { DEFAULT_KEY_LABEL, type KeyHealth } from "../domain/key-facts";
import {
  type ApiKeyRecord,
  keyLimit,
  lockedKeys,
  pickRecord,
  recordColumns,
  retryingPositionClash,
  writtenColumns,
} from "./key-rows";
import { userApiKey } from "./schema";
import { last30Days, utcToday } from "./usage-window";
import { isUuid } from "./uuid";

/**
 * The UserApiKey table: plain reads and writes, each one SQL statement, each scoped by `userId`. Every change
 * writes its activity event in that same statement (a data-modifying CTE, lib/db/key-events.ts). This module
 * never sees a plaintext key: it stores and returns the sealed envelope and the mask that lib/keys computed.
 *
 * Here: the list and the writes by provider (the seed's calls, which act on the provider's primary key). By id:
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

/** Where a save goes: the key with this label (created last when new), or, without one, the provider's primary. */
export interface SaveTarget {
  label?: string;
  /** Set on the saved key; undefined leaves a replaced key's expiry as it was. */
  expiresAt?: Date | null;
}

/**
 * Creates or replaces a key in ONE statement (INSERT … ON CONFLICT on the case-insensitive label index, with its
 * `key_created` or `key_replaced` event): with a label, the key of that label (any case), a new one going last;
 * without, the provider's primary key (a first key is "Default"). Concurrent saves of one label make one row. A
 * provider already holding MAX_KEYS_PER_PROVIDER keys takes no new one: null. Re-saving a key enables it again;
 * its health is what the check said.
 */
export async function upsertUserApiKey(
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  check: SaveCheck | null,
  target: SaveTarget = {},
): Promise<ApiKeyRecord | null> {
  if (!isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  if (!isUuid(userId)) throw new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
  try {
    const [row] = await retryingPositionClash(() =>
      withDb((db) => upsertStatement(db, userId, providerId, sealed, check, target)),
    );
    return row ?? null;
  } catch (error) {
    throw ownerForeignKeyError(error);
  }
}

/** The save's one statement: the locked keys, what the save proposes, the gap healed, the upsert and its event. */
function upsertStatement(
  db: Database,
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  check: SaveCheck | null,
  target: SaveTarget,
) {
  const checkedAt = check ? sql`now()` : sql`null::timestamptz`;
  const health = check?.health ?? ("unchecked" as KeyHealth);
  const expiresAt =
    target.expiresAt === undefined
      ? sql`null::timestamptz`
      : sql`${target.expiresAt?.toISOString() ?? null}::timestamptz`;
  const label =
    target.label === undefined
      ? sql`coalesce((select label from locked order by position, id limit 1), ${DEFAULT_KEY_LABEL}::text)`
      : sql`${target.label}::text`;
  // Top-level CTEs (a data-modifying one cannot nest): the locked keys, what the save proposes, the gap
  // healed, the upsert.
  const locked = db.$with("locked", {}).as(lockedKeys(userId, providerId));
  const proposed = db.$with("proposed", {}).as(
    sql`select l.label, (select count(*)::int from locked) as n,
            exists (select 1 from locked where lower(locked.label) = lower(l.label)) as taken
            from (select ${label} as label) as l`,
  );
  // A key added by a writer that another writer's renumbering could not see (it committed after that
  // statement began) can leave a gap; a new key's save closes it, renumbering the locked keys 0..n-1, so
  // that the new key at n never meets a stale position again.
  const healed = db.$with("healed", {}).as(
    sql`update ${userApiKey} as u set position = r.position
            from (select id, row_number() over (order by position, id) - 1 as position from locked) as r
            where u.id = r.id and u.position <> r.position and not (select taken from proposed)`,
  );
  const k = db.$with("k", { ...writtenColumns, inserted: sql<boolean>`inserted`.as("inserted") }).as(
    sql`insert into ${userApiKey} ("userId", "providerId", label, position, "encryptedKey", "keyId", "keyHint", "isEnabled",
            "lastValidatedAt", health, "healthMessage", "healthCheckedAt", "recheckLeaseUntil", "expiresAt")
          select ${userId}::uuid, ${providerId}::uuid, p.label, case when p.taken then 0 else p.n end, ${sealed.encryptedKey},
            ${sealed.keyId}, ${sealed.keyHint}, true, ${checkedAt}, ${health}::text, ${check?.message ?? null}::text, ${checkedAt},
            null, ${expiresAt}
          from proposed as p where p.taken or p.n < ${keyLimit}
          on conflict ("userId", "providerId", lower(label)) do update set
            "encryptedKey" = excluded."encryptedKey", "keyId" = excluded."keyId", "keyHint" = excluded."keyHint",
            "isEnabled" = true, "lastValidatedAt" = excluded."lastValidatedAt", health = excluded.health,
            "healthMessage" = excluded."healthMessage", "healthCheckedAt" = excluded."healthCheckedAt",
            "recheckLeaseUntil" = null, "updatedAt" = now()${target.expiresAt === undefined ? sql`` : sql`, "expiresAt" = excluded."expiresAt"`}
          returning *, (xmax = 0) as inserted`,
  );
  // xmax is 0 on a row this statement inserted, the updating transaction's id on one it replaced.
  const e = eventsFrom(db, "e", k, {
    userId: k.userId,
    type: eventTypeWhen(sql`${k.inserted}`, "key_created", "key_replaced"),
    providerId: k.providerId,
    detail: sql`${detailOf({ checked: check !== null, health })} || jsonb_build_object('label', ${k.label})`,
  });
  return db.with(locked, proposed, healed, k, e).select(pickRecord(k)).from(k);
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
