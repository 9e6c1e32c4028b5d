import "server-only";
import { and, asc, eq, gte, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { type Database, withDb } from "./client";
import { preparedPerHandle, rowsOf } from "./prepared";
import { BUDGET_WARNING_PERCENT } from "../domain/key-facts";
import { eventsFrom, eventType } from "./key-events";
import { accessToken, keyUsage, modelUsage, userApiKey } from "./schema";
import { monthSpend, settleSpend, thisMonth, withoutHold } from "./spend-sql";
import { rebuildUsageWindowSql, runningTotals, today, usageWindowStart } from "./usage-window";
import { isUuid } from "./uuid";

/** Per-key, per-day usage (KeyUsage): one upsert per provider call, one read for the settings page's charts. */

/** What one finished provider call used and cost, and what it held while it ran. */
export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  /** The call failed (the provider answered an error, or did not answer): counted as an error. */
  failed: boolean;
  /** The model asked for ("" when unknown). */
  model?: string;
  /** What it cost in micro-dollars; null: no price for its model (counted as unpriced, never as free). */
  costMicroUsd?: number | null;
  /** The access token it was asked through (the gateway); none for the playground. */
  tokenId?: string | null;
  /** The budget hold it took (lib/db/answer-keys.ts), let go of here. */
  reservationId?: string | null;
  /** The answer goes on with another key: the token's hold stays (only the key's is let go of). */
  keepTokenHold?: boolean;
}

/** A day row as callers see it. */
const dayColumns = {
  apiKeyId: keyUsage.apiKeyId,
  day: keyUsage.day,
  requests: keyUsage.requests,
  inputTokens: keyUsage.inputTokens,
  outputTokens: keyUsage.outputTokens,
  errors: keyUsage.errors,
  costMicroUsd: keyUsage.costMicroUsd,
};
const tokens = (n: number) => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/** The figures one call adds, as the statement's parameters. */
function figures(call: CallUsage) {
  const cost = call.costMicroUsd ?? null;
  return {
    inputTokens: tokens(call.inputTokens),
    outputTokens: tokens(call.outputTokens),
    errors: call.failed ? 1 : 0,
    cost: cost === null ? 0 : Math.max(0, Math.round(cost)),
    // A failure the provider did not bill (no cost given) is not an unpriced answer: it was not an answer.
    unpriced: !call.failed && cost === null ? 1 : 0,
  };
}

/** The statement's values, placeholders filled per call (addKeyUsage). */
const p = sql.placeholder;

/** INSERT … SELECT from the user's own key row (another user's key, or a deleted one, records nothing) ON CONFLICT
 * adding to today's counters, returning the day row as it now stands. */
function addToToday(db: Database) {
  const one = db
    .select({
      apiKeyId: userApiKey.id,
      userId: userApiKey.userId,
      day: sql<string>`${today}`.as("day"),
      requests: sql<number>`1`.as("requests"),
      inputTokens: sql<number>`${p("inputTokens")}::bigint`.as("inputTokens"),
      outputTokens: sql<number>`${p("outputTokens")}::bigint`.as("outputTokens"),
      errors: sql<number>`${p("errors")}::int`.as("errors"),
      costMicroUsd: sql<number>`${p("cost")}::bigint`.as("costMicroUsd"),
      unpricedRequests: sql<number>`${p("unpriced")}::int`.as("unpricedRequests"),
    })
    .from(userApiKey)
    .where(and(eq(userApiKey.id, p("apiKeyId")), eq(userApiKey.userId, p("userId"))));
  const plus = (column: AnyPgColumn) => sql`${column} + excluded.${sql.identifier(column.name)}`;
  return db
    .insert(keyUsage)
    .select(one)
    .onConflictDoUpdate({
      target: [keyUsage.apiKeyId, keyUsage.day],
      set: {
        requests: plus(keyUsage.requests),
        inputTokens: plus(keyUsage.inputTokens),
        outputTokens: plus(keyUsage.outputTokens),
        errors: plus(keyUsage.errors),
        costMicroUsd: plus(keyUsage.costMicroUsd),
        unpricedRequests: plus(keyUsage.unpricedRequests),
      },
    })
    .returning(dayColumns);
}

/** The same call added to its (key, day, model, token) row of ModelUsage: what the usage report groups. */
function addToModelDay() {
  const m = modelUsage;
  const plus = (column: AnyPgColumn) =>
    sql`${sql.identifier(column.name)} = ${m}.${sql.identifier(column.name)} + excluded.${sql.identifier(column.name)}`;
  return sql`insert into ${m} ("userId", "apiKeyId", "providerId", "tokenId", "day", "model", "requests", "inputTokens",
      "outputTokens", "errors", "costMicroUsd", "unpricedRequests")
    select k."userId", k.id, k."providerId", ${p("tokenId")}::uuid, ${today}, ${p("model")}::text, 1, ${p("inputTokens")}::bigint,
      ${p("outputTokens")}::bigint, ${p("errors")}::int, ${p("cost")}::bigint, ${p("unpriced")}::int
    from ${userApiKey} as k where k.id = ${p("apiKeyId")}::uuid and k."userId" = ${p("userId")}::uuid
    on conflict on constraint "ModelUsage_key_day_model_token_key" do update set
      ${sql.join([m.requests, m.inputTokens, m.outputTokens, m.errors, m.costMicroUsd, m.unpricedRequests].map(plus), sql`, `)}`;
}

/** The budget alert a month's spend has earned: 100 at the budget, 80 from 80 %, else 0 (none without a budget). */
const alertLevel = (spend: SQL, budget: SQL) =>
  sql`(case when ${budget} is null then 0 when ${spend} >= ${budget} then 100
    when ${spend} * 100 >= ${budget} * ${BUDGET_WARNING_PERCENT} then ${BUDGET_WARNING_PERCENT} else 0 end)`;

/** The statement of addKeyUsage, built and prepared once per database handle (client.ts); values filled per call. */
const addUsageStatement = preparedPerHandle((db) => {
  const u = db.$with("u").as(addToToday(db));
  const m = db.$with("m", {}).as(addToModelDay());
  const before = db.$with("before", {}).as(
    sql`select id, ${monthSpend("UserApiKey")} as spend, (case when "spendMonth" = ${thisMonth} then "budgetAlerted" else 0 end) as alerted
      from ${userApiKey} where id = ${p("apiKeyId")}::uuid and "userId" = ${p("userId")}::uuid for update`,
  );
  const spend = sql`(before.spend + ${p("cost")}::bigint)`;
  const level = alertLevel(spend, sql`${userApiKey}."budgetMicroUsd"`);
  const k = db
    .$with("k", {
      userId: userApiKey.userId,
      providerId: userApiKey.providerId,
      label: userApiKey.label,
      spend: sql<number>`spend`.as("spend"),
      budget: sql<number>`budget`.as("budget"),
      was: sql<number>`was`.as("was"),
      now: sql<number>`now`.as("now"),
      month: sql<string>`month`.as("month"),
    })
    .as(
      sql`update ${userApiKey} set "lastUsedAt" = now(), "usageThrough" = ${u.day}, ${runningTotals(u.apiKeyId, u.day, u)},
          "spendMonth" = ${thisMonth}, "spendMicroUsd" = ${spend}, "budgetAlerted" = greatest(before.alerted, ${level}),
          "reservations" = ${withoutHold("UserApiKey", p("reservationId"))}
        from ${u}, before where ${userApiKey.id} = ${u.apiKeyId} and before.id = ${userApiKey.id}
        returning ${userApiKey}."userId", ${userApiKey}."providerId", ${userApiKey}.label, ${userApiKey}."spendMicroUsd" as spend,
          ${userApiKey}."budgetMicroUsd" as budget, before.alerted as was, ${userApiKey}."budgetAlerted" as now,
          to_char(${thisMonth}, 'YYYY-MM') as month`,
    );
  const detail = sql`jsonb_build_object('label', ${k.label}, 'month', ${k.month}, 'spentMicroUsd', ${k.spend}, 'budgetMicroUsd', ${k.budget})`;
  const of = { userId: k.userId, providerId: k.providerId, detail };
  const e = eventsFrom(
    db,
    "e",
    k,
    {
      ...of,
      type: eventType("budget_warning"),
      when: sql`${k.was} < ${BUDGET_WARNING_PERCENT} and ${k.now} >= ${BUDGET_WARNING_PERCENT}`,
    },
    { ...of, type: eventType("budget_reached"), when: sql`${k.was} < 100 and ${k.now} >= 100` },
  );
  const t = db.$with("t", {}).as(
    sql`update ${accessToken} set "lastUsedAt" = now(), ${settleSpend("AccessToken", sql`${p("cost")}`)},
        "reservations" = ${withoutHold("AccessToken", p("tokenRelease"))}
      where id = ${p("tokenId")}::uuid and "userId" = ${p("userId")}::uuid`,
  );
  return db.with(u, m, before, k, e, t).select({ day: u.day }).from(u).prepare("key_usage_add");
});

/**
 * Records one finished call in ONE statement (an answer's tokens and cost are never half-written): today's row of
 * the key (KeyUsage) and of its model and token (ModelUsage); on the key row, `lastUsedAt`, its 30-day running totals rebuilt
 * from its day rows (usage-window.ts), the month's spend, its budget hold let go of, and `budget_warning` /
 * `budget_reached` once a month when the spend crosses 80 % / 100 % of its budget (the previous alert read under
 * the row's lock, so concurrent calls write each event once); on the token, its month's spend and hold. Concurrent
 * calls serialise on the rows: no increment is lost. On the token, `lastUsedAt` too (the gateway's start statement
 * writes neither row unless it holds a hard budget: lib/db/gateway-start.ts). False when there was no such key.
 */
export async function addKeyUsage(userId: string, apiKeyId: string, call: CallUsage): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(apiKeyId)) return false;
  const reservationId = call.reservationId ?? null;
  const values = {
    userId,
    apiKeyId,
    ...figures(call),
    model: call.model ?? "",
    tokenId: call.tokenId ?? null,
    reservationId,
    // The token's hold stays while the answer goes on with another key.
    tokenRelease: call.keepTokenHold ? null : reservationId,
  };
  const rows = await withDb((db) => addUsageStatement(db).execute(values));
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
