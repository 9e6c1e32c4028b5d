import "server-only";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { preparedPerHandle, rowsOf, withDb } from "./client";
import type { Database } from "./types";
import { constraintName, FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from "./errors";
import { detailOf, eventsFrom, eventType, eventTypeWhen } from "./key-events";
import { DEFAULT_KEY_LABEL, type KeyHealth, MAX_KEYS_PER_PROVIDER } from "./key-facts";
import { userApiKey, type UserApiKeyRow, userProviderSetting } from "./schema";
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
  label: userApiKey.label,
  position: userApiKey.position,
  expiresAt: userApiKey.expiresAt,
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

/** Where a save goes: the key with this label (created last when new), or, without one, the provider's primary. */
export interface SaveTarget {
  label?: string;
  /** Set on the saved key; undefined leaves a replaced key's expiry as it was. */
  expiresAt?: Date | null;
}

const keyLimit = sql.raw(String(MAX_KEYS_PER_PROVIDER));

/**
 * The provider's keys of this user, locked in id order (so concurrent writers queue instead of deadlocking) and
 * read in their latest committed version: what a write's new positions are computed from.
 */
const lockedKeys = (userId: string, providerId: SQL | string) => sql`select ${userApiKey.id}, ${userApiKey.label}, ${userApiKey.position},
  ${userApiKey.isEnabled}, ${userApiKey.expiresAt} from ${userApiKey} where ${userApiKey.userId} = ${userId}::uuid and ${userApiKey.providerId} = ${providerId}::uuid
  order by ${userApiKey.id} for update`;

/** The row a write returns: the record, its owner, and what the events need. */
const writtenColumns = { ...recordColumns, userId: userApiKey.userId };

/**
 * Two writers that both computed a position from the same moment collide on the (user, provider, position)
 * constraint (checked at the end of each statement): the loser's statement changed nothing, and is run again.
 * Two inserts that both wait for the other's end-of-statement check are a deadlock PostgreSQL breaks by failing
 * one: that one changed nothing either, and is run again, after a short random pause so the two part.
 */
async function retryingPositionClash<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const state = sqlState(error);
      const clash = state === UNIQUE_VIOLATION && constraintName(error) === POSITION_CONSTRAINT;
      if (!(clash || state === DEADLOCK_DETECTED) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    }
  }
}

const DEADLOCK_DETECTED = "40P01";
const POSITION_CONSTRAINT = "UserApiKey_userId_providerId_position_key";
const LABEL_INDEX = "UserApiKey_userId_providerId_label_key";

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
  const checkedAt = check ? sql`now()` : sql`null::timestamptz`;
  const health = check?.health ?? ("unchecked" as KeyHealth);
  const expiresAt = target.expiresAt === undefined ? sql`null::timestamptz` : sql`${target.expiresAt?.toISOString() ?? null}::timestamptz`;
  const label =
    target.label === undefined
      ? sql`coalesce((select label from locked order by position, id limit 1), ${DEFAULT_KEY_LABEL}::text)`
      : sql`${target.label}::text`;
  try {
    const [row] = await retryingPositionClash(() =>
      withDb((db) => {
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
      }),
    );
    return row ?? null;
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
        .returning({ id: userApiKey.id, userId: userApiKey.userId, providerId: userApiKey.providerId, label: userApiKey.label }),
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
export async function setUserApiKeyEnabled(userId: string, providerId: string, isEnabled: boolean): Promise<ApiKeyRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  return setEnabledWhere(userId, and(ownedBy(userId, providerId), isPrimary(userId, providerId))!, isEnabled);
}

async function setEnabledWhere(userId: string, which: SQL, isEnabled: boolean): Promise<ApiKeyRecord | null> {
  const [row] = await withDb((db) => {
    const prev = db.$with("prev").as(
      db
        .select({ id: userApiKey.id, was: sql<boolean>`${userApiKey.isEnabled}`.as("was") })
        .from(userApiKey)
        .where(and(eq(userApiKey.userId, userId), which))
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

/** A stored envelope, for lib/keys to open. */
export interface SealedRow {
  id: string;
  providerId: string;
  label: string;
  encryptedKey: string;
  isEnabled: boolean;
  expiresAt: Date | null;
}

const sealedColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  label: userApiKey.label,
  encryptedKey: userApiKey.encryptedKey,
  isEnabled: userApiKey.isEnabled,
  expiresAt: userApiKey.expiresAt,
};

/** The provider's primary key's envelope. Null when there is no key. */
export async function getSealedUserApiKey(userId: string, providerId: string): Promise<SealedRow | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db.select(sealedColumns).from(userApiKey).where(ownedBy(userId, providerId)).orderBy(asc(userApiKey.position), asc(userApiKey.id)).limit(1),
  );
  return row ?? null;
}

/** One key's envelope by its id, only the user's own. Null when there is no such key of theirs. */
export async function getSealedUserApiKeyById(userId: string, id: string): Promise<SealedRow | null> {
  if (!isUuid(userId) || !isUuid(id)) return null;
  const [row] = await withDb((db) =>
    db.select(sealedColumns).from(userApiKey).where(and(eq(userApiKey.userId, userId), eq(userApiKey.id, id))),
  );
  return row ?? null;
}

/** The keys a request may use, in order, and whether the user lets a failure fall through to the next. */
export interface KeysForUse {
  keys: { id: string; label: string; keyHint: string; encryptedKey: string }[];
  /** The user's setting for the provider ("Always use my first key" is false). */
  fallback: boolean;
}

/**
 * For a request to the provider, in ONE statement: its enabled, unexpired keys in order (only the first when
 * the user turned fallback off) with `lastUsedAt` stamped on the first (the one a request nearly always uses;
 * `stampKeyUse` marks another that served), unless `stamp` is false (a models list is not a use).
 */
export async function usableSealedKeys(userId: string, providerId: string, options: { stamp?: boolean } = {}): Promise<KeysForUse> {
  const stamp = options.stamp ?? true;
  if (!isUuid(userId) || !isUuid(providerId)) return { keys: [], fallback: true };
  const rows = rowsOf<{ id: string; label: string; keyHint: string; encryptedKey: string; fallback: boolean }>(
    await withDb((db) =>
      db.execute(sql`with setting as (
          select coalesce((select fallback from ${userProviderSetting} where "userId" = ${userId}::uuid and "providerId" = ${providerId}::uuid), true) as fallback
        ),
        usable as (
          select k.id, k.label, k."keyHint", k."encryptedKey", s.fallback, row_number() over (order by k.position, k.id) as place
          from ${userApiKey} as k, setting as s
          where k."userId" = ${userId}::uuid and k."providerId" = ${providerId}::uuid and k."isEnabled"
            and (k."expiresAt" is null or k."expiresAt" > now())
        ),
        stamped as (update ${userApiKey} set "lastUsedAt" = now() where ${stamp}::boolean and id = (select id from usable where place = 1))
        select id, label, "keyHint", "encryptedKey", fallback from usable where fallback or place = 1 order by place`),
    ),
  );
  const fallback = rows[0]?.fallback ?? true;
  return { keys: rows.map(({ id, label, keyHint, encryptedKey }) => ({ id, label, keyHint, encryptedKey })), fallback };
}

/** Stamps `lastUsedAt` on a key that served a request (the user's own only). */
export async function stampKeyUse(userId: string, id: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(id)) return;
  await withDb((db) =>
    db.update(userApiKey).set({ lastUsedAt: sql`now()` }).where(and(eq(userApiKey.userId, userId), eq(userApiKey.id, id))),
  );
}

/** What a change of one key asks for; undefined fields stay as they are. */
export interface KeyChanges {
  label?: string;
  isEnabled?: boolean;
  position?: number;
  expiresAt?: Date | null;
}

export type KeyChangeResult = { record: ApiKeyRecord } | { problem: "not_found" | "position_out_of_range"; keys: number };

/**
 * Changes one key by its id in ONE statement, with an event for each change made: `key_renamed`, `key_enabled` /
 * `key_disabled`, `key_moved`, `key_expiry_changed`. The provider's keys are locked in id order and their
 * positions recomputed from those locked rows (row_number() over the latest committed order, the moved key put
 * where asked), so concurrent moves queue and always leave the positions a permutation 0..n-1. A label another key
 * of the provider holds (any case) breaks the unique index: AppError label_taken.
 */
export async function changeUserApiKey(userId: string, id: string, changes: KeyChanges): Promise<KeyChangeResult> {
  if (!isUuid(userId) || !isUuid(id)) return { problem: "not_found", keys: 0 };
  const to = changes.position ?? null;
  const label = changes.label ?? null;
  const enabled = changes.isEnabled ?? null;
  const setExpiry = changes.expiresAt !== undefined;
  const expiresAt = changes.expiresAt?.toISOString() ?? null;
  const provider = sql`(select "providerId" from ${userApiKey} where id = ${id}::uuid and "userId" = ${userId}::uuid)`;
  try {
    const rows = await retryingPositionClash(() =>
      withDb((db) => {
        const k = db
          .$with("k", {
            ...writtenColumns,
            was: sql<string>`was`.as("was"),
            wasEnabled: sql<boolean>`"wasEnabled"`.as("wasEnabled"),
            wasPosition: sql<number>`"wasPosition"`.as("wasPosition"),
            wasExpiresAt: sql<string | null>`"wasExpiresAt"`.as("wasExpiresAt"),
            keys: sql<number>`keys`.as("keys"),
          })
          .as(
            sql`with locked as (${lockedKeys(userId, provider)}),
              marked as (select *, id = ${id}::uuid as target from locked),
              n as (select count(*)::int as keys, (select position from marked where target) as current from marked),
              goal as (select coalesce(${to}::int, n.current) as to, n.keys from n where n.current is not null
                and coalesce(${to}::int, 0) between 0 and n.keys - 1),
              others as (select id, row_number() over (order by position, id) - 1 as r from marked where not target),
              placed as (select o.id, case when o.r < g.to then o.r else o.r + 1 end as position from others as o, goal as g
                union all select ${id}::uuid, g.to from goal as g),
              before as (select label, "isEnabled", position, "expiresAt" from marked where target)
            update ${userApiKey} as u set
              position = placed.position,
              label = case when u.id = ${id}::uuid then coalesce(${label}::text, u.label) else u.label end,
              "isEnabled" = case when u.id = ${id}::uuid then coalesce(${enabled}::boolean, u."isEnabled") else u."isEnabled" end,
              "expiresAt" = case when u.id = ${id}::uuid and ${setExpiry}::boolean then ${expiresAt}::timestamptz else u."expiresAt" end,
              "updatedAt" = case when u.id = ${id}::uuid then now() else u."updatedAt" end
            from placed, before, goal
            where u.id = placed.id and (u.id = ${id}::uuid or u.position <> placed.position)
            returning u.*, before.label as was, before."isEnabled" as "wasEnabled", before.position as "wasPosition",
              before."expiresAt" as "wasExpiresAt", goal.keys as keys`,
          );
        const mine = sql`${k.id} = ${id}::uuid`;
        const of = { userId: k.userId, providerId: k.providerId };
        const e = eventsFrom(
          db,
          "e",
          k,
          {
            ...of,
            type: eventType("key_renamed"),
            detail: sql`jsonb_build_object('label', ${k.label}, 'previousLabel', ${k.was})`,
            when: sql`${mine} and ${k.label} <> ${k.was}`,
          },
          {
            ...of,
            type: eventTypeWhen(sql`${k.isEnabled}`, "key_enabled", "key_disabled"),
            detail: sql`jsonb_build_object('label', ${k.label})`,
            when: sql`${mine} and ${k.isEnabled} <> ${k.wasEnabled}`,
          },
          {
            ...of,
            type: eventType("key_moved"),
            detail: sql`jsonb_build_object('label', ${k.label}, 'position', ${k.position})`,
            when: sql`${mine} and ${k.position} <> ${k.wasPosition}`,
          },
          {
            ...of,
            type: eventType("key_expiry_changed"),
            detail: sql`jsonb_build_object('label', ${k.label}, 'expiresAt', to_char(${k.expiresAt} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
            when: sql`${mine} and ${k.expiresAt} is distinct from ${k.wasExpiresAt}::timestamptz`,
          },
        );
        return db.with(k, e).select({ ...pickRecord(k), keys: k.keys }).from(k).where(mine);
      }),
    );
    const [row] = rows;
    if (row) {
      const { keys: _keys, ...record } = row;
      return { record };
    }
    // Nothing changed: say why (a read; the write above is the one statement of the change).
    const keys = await countKeysOfSameProvider(userId, id);
    return keys === null ? { problem: "not_found", keys: 0 } : { problem: "position_out_of_range", keys };
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION && constraintName(error) === LABEL_INDEX) {
      throw new AppError("label_taken", "Another key of this provider already has that label.");
    }
    throw error;
  }
}

/** How many keys the provider of this key holds for the user; null when the key is not theirs. */
async function countKeysOfSameProvider(userId: string, id: string): Promise<number | null> {
  const rows = rowsOf<{ keys: number }>(
    await withDb((db) =>
      db.execute(sql`select count(*)::int as keys from ${userApiKey} as k
        where k."userId" = ${userId}::uuid and k."providerId" = (select "providerId" from ${userApiKey} where id = ${id}::uuid and "userId" = ${userId}::uuid)`),
    ),
  );
  return rows[0] && rows[0].keys > 0 ? rows[0].keys : null;
}

/**
 * Deletes one key by its id in ONE statement with its `key_deleted` event; the provider's other keys close the gap
 * (renumbered from their locked rows, as in changeUserApiKey). False when the user has no such key.
 */
export async function deleteUserApiKeyById(userId: string, id: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(id)) return false;
  const provider = sql`(select "providerId" from ${userApiKey} where id = ${id}::uuid and "userId" = ${userId}::uuid)`;
  const rows = await retryingPositionClash(() =>
    withDb((db) => {
      // Data-modifying CTEs must sit at the statement's top level: each is one of its own.
      const locked = db.$with("locked", {}).as(lockedKeys(userId, provider));
      const d = db.$with("d", { id: userApiKey.id, userId: userApiKey.userId, providerId: userApiKey.providerId, label: userApiKey.label }).as(
        sql`delete from ${userApiKey} where id = ${id}::uuid and "userId" = ${userId}::uuid and id in (select id from locked)
          returning id, "userId", "providerId", label`,
      );
      const moved = db.$with("moved", {}).as(
        sql`update ${userApiKey} as u set position = placed.position
          from (select id, row_number() over (order by position, id) - 1 as position from locked where id <> ${id}::uuid) as placed
          where u.id = placed.id and u.position <> placed.position and exists (select 1 from d)`,
      );
      const e = eventsFrom(db, "e", d, {
        userId: d.userId,
        type: eventType("key_deleted"),
        providerId: d.providerId,
        detail: sql`jsonb_build_object('label', ${d.label})`,
      });
      return db.with(locked, d, moved, e).select({ id: d.id }).from(d);
    }),
  );
  return rows.length > 0;
}
