import "server-only";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { CHECK_VIOLATION, constraintName, FOREIGN_KEY_VIOLATION, sqlState } from "./errors";
import { eventsFrom, eventType } from "./key-events";
import { type BudgetMode, MAX_ACCESS_TOKENS_PER_USER } from "../domain/key-facts";
import { accessToken, modelProvider, modelUsage } from "./schema";
import { usageWindowStart } from "./usage-window";
import { isUuid } from "./uuid";

/**
 * A user's access tokens (AccessToken): each function one statement scoped by the user, its activity event
 * (`token_created`, `token_revoked`) written by the same statement. Never sees a token, only its hash.
 */

export interface AccessTokenRecord {
  id: string;
  name: string;
  prefix: string;
  providerIds: string[] | null;
  expiresAt: Date | null;
  budgetMicroUsd: number | null;
  budgetMode: BudgetMode | null;
  spendMonth: string | null;
  spendMicroUsd: number;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export interface ListedAccessToken extends AccessTokenRecord {
  usage: { requests: number; inputTokens: number; outputTokens: number; costMicroUsd: number };
}

export interface TokenFields {
  name: string;
  providerIds: string[] | null;
  expiresAt: Date | null;
  budget: { microUsd: number; mode: BudgetMode } | null;
}

const t = accessToken;

/** A token row as the record (drizzle maps each column: dates, numbers), for a CTE that returns them. */
const tokenColumns = {
  userId: t.userId,
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  providerIds: t.providerIds,
  expiresAt: t.expiresAt,
  budgetMicroUsd: t.budgetMicroUsd,
  budgetMode: t.budgetMode,
  spendMonth: t.spendMonth,
  spendMicroUsd: t.spendMicroUsd,
  lastUsedAt: t.lastUsedAt,
  createdAt: t.createdAt,
};
const returned = sql`${t}.id, ${t}.name, ${t}.prefix, ${t}."providerIds", ${t}."expiresAt", ${t}."budgetMicroUsd"::float8 as "budgetMicroUsd",
  ${t}."budgetMode", to_char(${t}."spendMonth", 'YYYY-MM-DD') as "spendMonth", ${t}."spendMicroUsd"::float8 as "spendMicroUsd",
  ${t}."lastUsedAt", ${t}."createdAt", ${t}."userId"`;

/** Timestamps arrive as text through db.execute on one driver and as Dates on the other. */
function toRecord(row: Record<string, unknown>): AccessTokenRecord {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: row.id as string,
    name: row.name as string,
    prefix: row.prefix as string,
    providerIds: (row.providerIds as string[] | null) ?? null,
    expiresAt: date(row.expiresAt),
    budgetMicroUsd: (row.budgetMicroUsd as number | null) ?? null,
    budgetMode: (row.budgetMode as BudgetMode | null) ?? null,
    spendMonth: (row.spendMonth as string | null) ?? null,
    spendMicroUsd: Number(row.spendMicroUsd ?? 0),
    lastUsedAt: date(row.lastUsedAt),
    createdAt: date(row.createdAt)!,
  };
}

/** The ids as one parameter (uuids hold no commas), or null. */
const idList = (ids: string[] | null) =>
  ids === null ? sql`null::uuid[]` : sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;

/** Every id names a provider the user can see (a built-in, or their own endpoint). */
const providersVisible = (userId: string, ids: string[] | null) =>
  ids === null
    ? sql`true`
    : sql`(select count(*) from ${modelProvider} as p where p.id = any(${idList(ids)}) and p."isEnabled"
        and (p."ownerId" is null or p."ownerId" = ${userId}::uuid)) = ${ids.length}`;

/** The lowest free slot; all taken: the limit itself, which breaks the slot's range check. */
const freeSlot = (userId: string) => sql`(
  select coalesce(min(slot), ${MAX_ACCESS_TOKENS_PER_USER}) from generate_series(0, ${MAX_ACCESS_TOKENS_PER_USER - 1}) as slot
  where slot not in (select ${t.slot} from ${t} where ${t.userId} = ${userId}::uuid)
)`;

const limitReached = () =>
  new AppError(
    "token_limit_reached",
    `You can hold at most ${MAX_ACCESS_TOKENS_PER_USER} access tokens. Revoke one to create another.`,
  );
const noProvider = () => new AppError("provider_not_found", "providerIds names a provider you do not have.");
const noUser = () => new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");

/**
 * Stores a new token (its hash) in the user's lowest free slot with its `token_created` event, in one statement.
 * Two creates racing for a slot meet at the (userId, slot) index: the loser runs again; with no slot free the row
 * breaks the slot's range check, so the limit holds whatever the concurrency.
 */
export async function createAccessToken(
  userId: string,
  hash: string,
  prefix: string,
  fields: TokenFields,
): Promise<AccessTokenRecord> {
  if (!isUuid(userId)) throw noUser();
  for (let attempt = 0; attempt <= MAX_ACCESS_TOKENS_PER_USER; attempt++) {
    try {
      const rows = await withDb((db) => {
        const c = db.$with("c", tokenColumns).as(
          sql`insert into ${t} ("userId", slot, name, prefix, "tokenHash", "providerIds", "expiresAt", "budgetMicroUsd", "budgetMode")
              select ${userId}::uuid, ${freeSlot(userId)}, ${fields.name}, ${prefix}, ${hash}, ${idList(fields.providerIds)},
                ${fields.expiresAt?.toISOString() ?? null}::timestamptz, ${fields.budget?.microUsd ?? null}::bigint, ${fields.budget?.mode ?? null}::text
              where ${providersVisible(userId, fields.providerIds)}
              on conflict ("userId", slot) do nothing
              returning ${sql.raw(
                Object.values(tokenColumns)
                  .map((column) => `"${column.name}"`)
                  .join(", "),
              )}`,
        );
        const e = eventsFrom(db, "e", c, {
          userId: c.userId,
          type: eventType("token_created"),
          providerId: sql`null::uuid`,
          detail: sql`jsonb_build_object('tokenId', ${c.id}, 'name', ${c.name})`,
        });
        return db.with(c, e).select().from(c);
      });
      if (rows[0]) return rows[0];
      if (!(await providersAllVisible(userId, fields.providerIds))) throw noProvider();
    } catch (error) {
      if (sqlState(error) === CHECK_VIOLATION && constraintName(error) === "AccessToken_slot_range")
        throw limitReached();
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw noUser();
      throw error;
    }
  }
  throw limitReached();
}

async function providersAllVisible(userId: string, ids: string[] | null): Promise<boolean> {
  const [row] = rowsOf<{ ok: boolean }>(
    await withDb((db) => db.execute(sql`select ${providersVisible(userId, ids)} as ok`)),
  );
  return row?.ok ?? false;
}

/** The user's tokens with their last 30 days of use (from ModelUsage), oldest first. One SELECT. */
export async function listAccessTokens(userId: string): Promise<ListedAccessToken[]> {
  if (!isUuid(userId)) return [];
  const rows = rowsOf<Record<string, unknown>>(
    await withDb((db) =>
      db.execute(sql`select ${returned},
          coalesce(u.requests, 0)::float8 as requests, coalesce(u."inputTokens", 0)::float8 as "inputTokens",
          coalesce(u."outputTokens", 0)::float8 as "outputTokens", coalesce(u."costMicroUsd", 0)::float8 as "costMicroUsd"
        from ${t}
        left join lateral (
          select sum(m.requests) as requests, sum(m."inputTokens") as "inputTokens", sum(m."outputTokens") as "outputTokens",
            sum(m."costMicroUsd") as "costMicroUsd"
          from ${modelUsage} as m where m."tokenId" = ${t}.id and m."userId" = ${userId}::uuid and m.day >= ${usageWindowStart}
        ) as u on true
        where ${t}."userId" = ${userId}::uuid
        order by ${t}."createdAt", ${t}.id`),
    ),
  );
  return rows.map((row) => ({
    ...toRecord(row),
    usage: {
      requests: Number(row.requests),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      costMicroUsd: Number(row.costMicroUsd),
    },
  }));
}

/** Changes a token's name, expiry, providers or budget; null when the user has no such token. One statement. */
export async function updateAccessToken(
  userId: string,
  id: string,
  changes: Partial<TokenFields>,
): Promise<AccessTokenRecord | null> {
  if (!isUuid(userId) || !isUuid(id)) return null;
  const set = (field: keyof TokenFields) => changes[field] !== undefined;
  const rows = rowsOf<Record<string, unknown>>(
    await withDb((db) =>
      db.execute(sql`update ${t} set
          name = case when ${set("name")}::boolean then ${changes.name ?? null}::text else name end,
          "expiresAt" = case when ${set("expiresAt")}::boolean then ${changes.expiresAt?.toISOString() ?? null}::timestamptz else "expiresAt" end,
          "providerIds" = case when ${set("providerIds")}::boolean then ${idList(changes.providerIds ?? null)} else "providerIds" end,
          "budgetMicroUsd" = case when ${set("budget")}::boolean then ${changes.budget?.microUsd ?? null}::bigint else "budgetMicroUsd" end,
          "budgetMode" = case when ${set("budget")}::boolean then ${changes.budget?.mode ?? null}::text else "budgetMode" end
        where id = ${id}::uuid and "userId" = ${userId}::uuid and ${providersVisible(userId, changes.providerIds ?? null)}
        returning ${returned}`),
    ),
  );
  if (rows[0]) return toRecord(rows[0]);
  if (changes.providerIds && !(await providersAllVisible(userId, changes.providerIds))) throw noProvider();
  return null;
}

/** Revokes (deletes) a token with its `token_revoked` event, in one statement; false when there was none. */
export async function deleteAccessToken(userId: string, id: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(id)) return false;
  const rows = await withDb((db) => {
    const d = db
      .$with("d", { userId: t.userId, id: t.id, name: t.name })
      .as(sql`delete from ${t} where id = ${id}::uuid and "userId" = ${userId}::uuid returning "userId", id, name`);
    const e = eventsFrom(db, "e", d, {
      userId: d.userId,
      type: eventType("token_revoked"),
      providerId: sql`null::uuid`,
      detail: sql`jsonb_build_object('tokenId', ${d.id}, 'name', ${d.name})`,
    });
    return db.with(d, e).select({ id: d.id }).from(d);
  });
  return rows.length > 0;
}
