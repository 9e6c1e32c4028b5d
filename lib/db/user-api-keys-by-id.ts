import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type Database, withDb } from "./client";
import { rowsOf } from "./prepared";
import { constraintName, sqlState, UNIQUE_VIOLATION } from "./errors";
import { eventsFrom, eventType, eventTypeWhen } from "./key-events";
import {
  type ApiKeyRecord,
  LABEL_INDEX,
  lockedKeys,
  pickRecord,
  providerOfKey,
  retryingPositionClash,
  writtenColumns,
} from "./key-rows";
import type { BudgetMode } from "../domain/key-facts";
import { userApiKey } from "./schema";
import { isUuid } from "./uuid";

/** One key of a user, by its id: change it (label, enabled, position, expiry) or delete it; one statement each. */

/** What a change of one key asks for; undefined fields stay as they are. */
export interface KeyChanges {
  label?: string;
  isEnabled?: boolean;
  position?: number;
  expiresAt?: Date | null;
  /** A monthly budget in micro-dollars; null removes it. */
  budget?: { microUsd: number; mode: BudgetMode } | null;
}

export type KeyChangeResult =
  { record: ApiKeyRecord } | { problem: "not_found" | "position_out_of_range"; keys: number };

/**
 * Changes one key by its id in ONE statement, with an event for each change made: `key_renamed`, `key_enabled` /
 * `key_disabled`, `key_moved`, `key_expiry_changed`. The provider's keys are locked in id order and their
 * positions recomputed from those locked rows (row_number() over the latest committed order, the moved key put
 * where asked), so concurrent moves queue and always leave the positions a permutation 0..n-1. A label another key
 * of the provider holds (any case) breaks the unique index: AppError label_taken.
 */
export async function changeUserApiKey(userId: string, id: string, changes: KeyChanges): Promise<KeyChangeResult> {
  if (!isUuid(userId) || !isUuid(id)) return { problem: "not_found", keys: 0 };
  try {
    const rows = await retryingPositionClash(() =>
      withDb((db) => {
        const k = changedKey(db, userId, id, changes);
        const mine = sql`${k.id} = ${id}::uuid`;
        return db
          .with(k, changeEvents(db, k, mine))
          .select({ ...pickRecord(k), keys: k.keys })
          .from(k)
          .where(mine);
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

/**
 * The change's update, as CTE `k`: the provider's keys locked and renumbered with the key put where asked, the
 * key's fields set, each changed row returned with what the key was before and how many keys the provider has.
 */
function changedKey(db: Database, userId: string, id: string, changes: KeyChanges) {
  const to = changes.position ?? null;
  const label = changes.label ?? null;
  const enabled = changes.isEnabled ?? null;
  const setExpiry = changes.expiresAt !== undefined;
  const expiresAt = changes.expiresAt?.toISOString() ?? null;
  const setBudget = changes.budget !== undefined;
  const budgetMicroUsd = changes.budget?.microUsd ?? null;
  const budgetMode = changes.budget?.mode ?? null;
  const provider = providerOfKey(userId, id);
  return db
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
              "budgetMicroUsd" = case when u.id = ${id}::uuid and ${setBudget}::boolean then ${budgetMicroUsd}::bigint else u."budgetMicroUsd" end,
              "budgetMode" = case when u.id = ${id}::uuid and ${setBudget}::boolean then ${budgetMode}::text else u."budgetMode" end,
              "updatedAt" = case when u.id = ${id}::uuid then now() else u."updatedAt" end
            from placed, before, goal
            where u.id = placed.id and (u.id = ${id}::uuid or u.position <> placed.position)
            returning u.*, before.label as was, before."isEnabled" as "wasEnabled", before.position as "wasPosition",
              before."expiresAt" as "wasExpiresAt", goal.keys as keys`,
    );
}

/** The change's events, as CTE `e`: one for each thing of the key (`mine`) that the update changed. */
function changeEvents(db: Database, k: ReturnType<typeof changedKey>, mine: SQL) {
  const of = { userId: k.userId, providerId: k.providerId };
  return eventsFrom(
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
}

/** How many keys the provider of this key holds for the user; null when the key is not theirs. */
async function countKeysOfSameProvider(userId: string, id: string): Promise<number | null> {
  const rows = rowsOf<{ keys: number }>(
    await withDb((db) =>
      db.execute(sql`select count(*)::int as keys from ${userApiKey} as k
        where k."userId" = ${userId}::uuid and k."providerId" = ${providerOfKey(userId, id)}`),
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
  const provider = providerOfKey(userId, id);
  const rows = await retryingPositionClash(() =>
    withDb((db) => {
      // Data-modifying CTEs must sit at the statement's top level: each is one of its own.
      const locked = db.$with("locked", {}).as(lockedKeys(userId, provider));
      const d = db
        .$with("d", {
          id: userApiKey.id,
          userId: userApiKey.userId,
          providerId: userApiKey.providerId,
          label: userApiKey.label,
        })
        .as(
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
