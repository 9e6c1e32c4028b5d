import "server-only";
import { and, desc, eq, lt, type SQL, sql, type SQLWrapper, type WithSubquery } from "drizzle-orm";
import { type Database, withDb } from "./client";
import type { KeyEventDetail, KeyEventType } from "../domain/key-facts";
import { keyEvent, type KeyEventRow } from "./schema";
import { isUuid } from "./uuid";

/**
 * The activity log (KeyEvent). It is append-only: this module inserts and reads, nothing here (or anywhere)
 * updates or deletes an event; a user's events go with the user (ON DELETE CASCADE).
 *
 * An event is written by the same statement as the change it records, so there is never a change without its
 * event nor an event without its change. Two ways to do that:
 * - inside one statement: `eventsFrom(…)` is a data-modifying CTE that appends one event per row an earlier CTE
 *   returned (the key rows of lib/db/user-api-keys.ts, lib/db/key-health.ts, lib/db/key-rotation.ts);
 * - an account change (sign-in, password, sessions; lib/db/sessions.ts, users.ts) adds `accountEventCte(db, …)`
 *   to its own statement. (No transactions: the embedded database runs behind a proxy driver that has none.)
 */

/** One event per source row: SQL expressions over the source CTE's columns, and which rows get one. */
export interface EventColumns {
  userId: SQLWrapper;
  type: SQLWrapper;
  providerId: SQLWrapper;
  detail: SQLWrapper;
  /** Only rows matching this get the event (e.g. only when the state changed). */
  when?: SQL;
}

/** A jsonb literal for an event's detail: only fields of our own choosing (KeyEventDetail). */
export const detailOf = (detail: KeyEventDetail): SQL => sql`${JSON.stringify(detail)}::jsonb`;

/** An event type as SQL: a literal, or a CASE choosing between two by a condition over the source row. */
export const eventType = (type: KeyEventType): SQL => sql`${type}::text`;
export const eventTypeWhen = (condition: SQL, then: KeyEventType, otherwise: KeyEventType): SQL =>
  sql`(case when ${condition} then ${then}::text else ${otherwise}::text end)`;

/**
 * A data-modifying CTE named `name` that appends, for each row of `source` (an earlier CTE of the same
 * statement), the events listed, in that order (their ids follow it). PostgreSQL runs every data-modifying CTE of
 * a statement, referenced or not, in the statement's one snapshot: the change and its events commit together.
 */
export function eventsFrom(db: Database, name: string, source: WithSubquery, ...events: EventColumns[]) {
  const selects = events.map(
    (e, order) =>
      sql`select ${order}::int as "order", ${e.userId} as "userId", ${e.type} as "type", ${e.providerId} as "providerId", ${e.detail} as "detail" from ${source}${e.when ? sql` where ${e.when}` : sql``}`,
  );
  return db.$with(name, {}).as(
    sql`insert into ${keyEvent} ("userId", "type", "providerId", "detail")
        select "userId", "type", "providerId", "detail" from (${sql.join(selects, sql` union all `)}) as events order by "order"`,
  );
}

type AccountEventType = Extract<KeyEventType, "signed_in" | "password_changed" | "sessions_revoked">;

/** One account event as a data-modifying CTE, for a statement that makes the change itself. */
export function accountEventCte(db: Database, name: string, userId: string, type: AccountEventType) {
  return db.$with(name, {}).as(accountEventInsert(userId, type));
}

/** The INSERT of one account event, written only when `onlyIf` holds (e.g. an earlier CTE changed a row). */
export function accountEventInsert(userId: string, type: AccountEventType, onlyIf: SQL = sql`true`): SQL {
  return sql`insert into ${keyEvent} ("userId", "type", "detail") select ${userId}::uuid, ${type}::text, '{}'::jsonb where ${onlyIf}`;
}

export type ActivityRecord = Pick<KeyEventRow, "id" | "at" | "type" | "providerId" | "detail">;

/** One page of a user's events, newest first, older than the event `before` when given. */
export async function listKeyEvents(
  userId: string,
  options: { before?: number; limit: number },
): Promise<ActivityRecord[]> {
  if (!isUuid(userId)) return [];
  const older = options.before === undefined ? undefined : lt(keyEvent.id, options.before);
  return withDb((db) =>
    db
      .select({
        id: keyEvent.id,
        at: keyEvent.at,
        type: keyEvent.type,
        providerId: keyEvent.providerId,
        detail: keyEvent.detail,
      })
      .from(keyEvent)
      .where(and(eq(keyEvent.userId, userId), older))
      .orderBy(desc(keyEvent.id))
      .limit(options.limit),
  );
}
