import "server-only";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { type Database, rowsOf, withDb } from "./client";
import { keyUsage, userApiKey } from "./schema";
import { rebuildUsageWindowSql, runningTotals, today, usageWindowStart } from "./usage-window";
import { isUuid } from "./uuid";

/** Per-key, per-day usage (KeyUsage): one upsert per provider call, one read for the settings page's charts. */

/** What one finished provider call cost. */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  /** The call failed (the provider answered an error, or did not answer). */
  failed: boolean;
}

/** A day row as callers see it. */
const dayColumns = {
  apiKeyId: keyUsage.apiKeyId,
  day: keyUsage.day,
  requests: keyUsage.requests,
  inputTokens: keyUsage.inputTokens,
  outputTokens: keyUsage.outputTokens,
  errors: keyUsage.errors,
};
const tokens = (n: number) => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/** INSERT … SELECT from the user's own key row (another user's key, or a deleted one, records nothing) ON CONFLICT
 * adding to today's counters, returning the day row as it now stands. */
function addToToday(db: Database, userId: string, apiKeyId: string, call: CallUsage) {
  const one = db
    .select({
      apiKeyId: userApiKey.id,
      userId: userApiKey.userId,
      day: sql<string>`${today}`.as("day"),
      requests: sql<number>`1`.as("requests"),
      inputTokens: sql<number>`${tokens(call.inputTokens)}::bigint`.as("inputTokens"),
      outputTokens: sql<number>`${tokens(call.outputTokens)}::bigint`.as("outputTokens"),
      errors: sql<number>`${call.failed ? 1 : 0}::int`.as("errors"),
    })
    .from(userApiKey)
    .where(and(eq(userApiKey.id, apiKeyId), eq(userApiKey.userId, userId)));
  const add = (column: AnyPgColumn) => sql`${column} + excluded.${sql.identifier(column.name)}`;
  return db
    .insert(keyUsage)
    .select(one)
    .onConflictDoUpdate({
      target: [keyUsage.apiKeyId, keyUsage.day],
      set: {
        requests: add(keyUsage.requests),
        inputTokens: add(keyUsage.inputTokens),
        outputTokens: add(keyUsage.outputTokens),
        errors: add(keyUsage.errors),
      },
    })
    .returning(dayColumns);
}

/**
 * Adds one call to the key's row for today (UTC) and rebuilds the key's 30-day running totals from its rows
 * (usage-window.ts), in ONE statement. Concurrent calls serialise on the day row: no increment is lost. False
 * when there was no such key.
 */
export async function addKeyUsage(userId: string, apiKeyId: string, call: CallUsage): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(apiKeyId)) return false;
  const rows = await withDb((db) => {
    const u = db.$with("u").as(addToToday(db, userId, apiKeyId, call));
    const totals = runningTotals(u.apiKeyId, u.day, u);
    const k = db.$with("k", {}).as(
      sql`update ${userApiKey} set "usageThrough" = ${u.day}, ${totals} from ${u} where ${userApiKey.id} = ${u.apiKeyId}`,
    );
    return db.with(u, k).select({ day: u.day }).from(u);
  });
  return rows.length > 0;
}

/**
 * Rebuilds the key's 30-day totals from its day rows, in one statement: after rows were written other than by
 * addKeyUsage (imported history, a repair). False when the user has no such key.
 */
export async function rebuildUsageWindow(userId: string, apiKeyId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(apiKeyId)) return false;
  return rowsOf(await withDb((db) => db.execute(rebuildUsageWindowSql(userId, apiKeyId)))).length > 0;
}

/** One key's usage on one UTC day (`day`: YYYY-MM-DD). */
export interface DailyUsage {
  apiKeyId: string;
  day: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
}

/** Every usage row of the user's keys over the last 30 days (UTC), oldest first. One SELECT. */
export async function getDailyUsage(userId: string): Promise<DailyUsage[]> {
  if (!isUuid(userId)) return [];
  return withDb((db) =>
    db
      .select(dayColumns)
      .from(keyUsage)
      .where(and(eq(keyUsage.userId, userId), gte(keyUsage.day, usageWindowStart)))
      .orderBy(asc(keyUsage.day)),
  );
}
