/** Column helpers the tables share. */
import { sql } from "drizzle-orm";
import { bigint, check, date, jsonb, text, timestamp, type AnyPgColumn } from "drizzle-orm/pg-core";
import { BUDGET_MODES } from "../../domain/key-facts";

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A hold on a budget while an answer runs (lib/db/spend-sql.ts): its id, amount and when it lapses (epoch s). */
export interface Reservation {
  id: string;
  micro: number;
  until: number;
}

/**
 * A monthly budget and the month's spend, on the row it limits (a key, an access token): one UPDATE of that row
 * reserves, settles and checks it, so concurrent answers queue on the row lock (lib/db/spend-sql.ts).
 */
export const budgetColumns = () => ({
  /** The budget in micro-dollars a calendar month (UTC); null: none. */
  budgetMicroUsd: bigint("budgetMicroUsd", { mode: "number" }),
  budgetMode: text("budgetMode", { enum: BUDGET_MODES }),
  /** The month (its first day, UTC) `spendMicroUsd` counts; another month's figure reads as 0. */
  spendMonth: date("spendMonth", { mode: "string" }),
  /** What answers settled this month cost, in micro-dollars. */
  spendMicroUsd: bigint("spendMicroUsd", { mode: "number" }).notNull().default(0),
  /** Holds of answers still running, each lapsing on its own (a crashed instance's never block for good). */
  reservations: jsonb("reservations").$type<Reservation[]>().notNull().default([]),
});

/** Both budget columns or neither; an amount within what the API accepts. */
export const budgetChecks = (table: string, t: { budgetMicroUsd: AnyPgColumn; budgetMode: AnyPgColumn }) => [
  check(`${table}_budget_pair`, sql`(${t.budgetMicroUsd} is null) = (${t.budgetMode} is null)`),
  check(
    `${table}_budget_range`,
    sql`${t.budgetMicroUsd} is null or ${t.budgetMicroUsd} between 10000 and 1000000000000`,
  ),
];
