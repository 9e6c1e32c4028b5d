import "server-only";
import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { AnyPgTable } from "drizzle-orm/pg-core";

/**
 * The SQL of monthly budgets, shared by the rows that carry one (UserApiKey, AccessToken: `budgetColumns` of
 * schema/columns.ts). A row holds the month's settled spend (`spendMicroUsd` for `spendMonth`: another month's
 * figure counts as 0, so nothing has to reset at midnight) and the holds of answers still running
 * (`reservations`, each `{ id, micro, until }` lapsing on its own, so a crashed instance's never block for good).
 *
 * Admission, reserving and settling are each one UPDATE of that row: concurrent answers queue on its lock, and a
 * WHERE over the row's own columns is evaluated again on the latest version when another write got there first
 * (READ COMMITTED re-checks a row it waited for). So a hard budget admits an answer only while the month's spend
 * plus what running answers hold is below it: with every answer holding at least what it will cost, spend passes
 * the budget by at most what was already running when it was reached (CONTRACT-WAVE3 "Spend and budgets").
 */

/** How long a hold lasts: longer than an answer is expected to stream; a settled answer lets go of it at once. */
export const RESERVATION_SECONDS = 15 * 60;

/** The current calendar month in UTC, as its first day. */
export const thisMonth = sql`date_trunc('month', now() at time zone 'utc')::date`;

const col = (table: AnyPgTable | string, name: string) =>
  typeof table === "string"
    ? sql`${sql.identifier(table)}.${sql.identifier(name)}`
    : sql`${table}.${sql.identifier(name)}`;

/** The row's spend this month (its stored figure when it is for this month, else 0). */
export const monthSpend = (table: AnyPgTable | string): SQL =>
  sql`(case when ${col(table, "spendMonth")} = ${thisMonth} then ${col(table, "spendMicroUsd")} else 0 end)`;

/** What the row's running answers hold now (lapsed holds count for nothing). */
export const heldNow = (table: AnyPgTable | string): SQL =>
  sql`(select coalesce(sum((r->>'micro')::bigint), 0) from jsonb_array_elements(${col(table, "reservations")}) as r
    where (r->>'until')::float8 > extract(epoch from now()))`;

/** True unless the row has a hard budget that its month's spend and holds have reached. */
export const withinHardBudget = (table: AnyPgTable | string): SQL =>
  sql`(${col(table, "budgetMode")} is distinct from 'hard' or ${monthSpend(table)} + ${heldNow(table)} < ${col(table, "budgetMicroUsd")})`;

/** The row's holds without lapsed ones and without `releaseId` (null: keep all live holds). */
const liveHolds = (table: AnyPgTable | string, releaseId: string | null | Placeholder) =>
  sql`coalesce((select jsonb_agg(r) from jsonb_array_elements(${col(table, "reservations")}) as r
    where (r->>'until')::float8 > extract(epoch from now()) and (r->>'id') is distinct from ${releaseId}::text), '[]'::jsonb)`;

/** `reservations` with a new hold of `micro` under `id`. */
export const withHold = (table: AnyPgTable | string, id: string | Placeholder, micro: SQL | number): SQL =>
  sql`${liveHolds(table, null)} || jsonb_build_array(jsonb_build_object('id', ${id}::text, 'micro', ${micro}::bigint,
    'until', extract(epoch from now()) + ${RESERVATION_SECONDS}))`;

/** `reservations` without the hold `id` (a settled answer). */
export const withoutHold = (table: AnyPgTable | string, id: string | null | Placeholder): SQL => liveHolds(table, id);

/** The SET of a settlement: `cost` added to this month's spend (a new month starts from it). */
export const settleSpend = (table: AnyPgTable | string, cost: SQL | number): SQL =>
  sql`"spendMonth" = ${thisMonth}, "spendMicroUsd" = ${monthSpend(table)} + ${cost}::bigint`;
