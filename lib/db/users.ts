import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { sqlState, UNIQUE_VIOLATION } from "./errors";
import { accountEventInsert } from "./key-events";
import { rateLimit, session, user } from "./schema";
import { sessionsOf } from "./sessions";
import { isUuid } from "./uuid";

export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Inserts a user; a taken email (any case) is `email_taken`, decided by the unique index, not a prior read. */
export async function createUser(input: {
  email: string;
  passwordHash: string;
  name?: string | null;
}): Promise<PublicUser> {
  try {
    const [row] = await withDb(
      (db) =>
        db
          .insert(user)
          .values({ email: normaliseEmail(input.email), passwordHash: input.passwordHash, name: input.name ?? null })
          .returning({ id: user.id, email: user.email, name: user.name }),
      "create user",
    );
    return row!;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new AppError("email_taken", "An account with this email already exists.");
    }
    throw error;
  }
}

/** For sign-in only: the one place the password hash leaves the database. */
export async function getUserCredentials(email: string): Promise<(PublicUser & { passwordHash: string }) | null> {
  const [row] = await withDb((db) =>
    db
      .select({ id: user.id, email: user.email, name: user.name, passwordHash: user.passwordHash })
      .from(user)
      .where(eq(user.email, normaliseEmail(email))),
  );
  return row ?? null;
}

/** The password hash of a signed-in user, to check the password they give before an account change, and their email. */
export async function getPasswordCheck(userId: string): Promise<{ passwordHash: string; email: string } | null> {
  if (!isUuid(userId)) return null;
  const [row] = await withDb((db) =>
    db.select({ passwordHash: user.passwordHash, email: user.email }).from(user).where(eq(user.id, userId)),
  );
  return row ?? null;
}

/**
 * Replaces the password hash, only if it is still `expected` (the one just checked), and ends every session but
 * `keep`, with a `password_changed` event, in ONE statement (data-modifying CTEs: the sessions go and the event is
 * written only if the hash changed). False when the hash had changed meanwhile: nothing is changed.
 */
export async function replacePasswordHash(
  userId: string,
  expected: string,
  next: string,
  keep: string,
): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const changed = sql`update ${user} set "passwordHash" = ${next} where ${and(eq(user.id, userId), eq(user.passwordHash, expected))} returning ${user.id}`;
  const result = await withDb((db) =>
    db.execute(sql`
      with changed as (${changed}),
      ended as (delete from ${session} where ${session.userId} in (select id from changed) and ${sessionsOf(userId, keep)}),
      logged as (${accountEventInsert(userId, "password_changed", sql`exists (select 1 from changed)`)})
      select count(*)::int as n from changed`),
  );
  return rowsOf<{ n: number }>(result)[0]?.n === 1;
}

/**
 * Deletes the user, only if the password hash is still `expected`, in ONE statement: every table referencing
 * User deletes its rows with it (ON DELETE CASCADE, checked by tests/integration/account.test.ts), and the rate
 * limit counters named after the account (`counterKeys`: lib/rate-limits.ts accountCounterKeys), which reference
 * nothing, go in a data-modifying CTE, only if the user did. False when nothing was deleted.
 */
export async function deleteUser(userId: string, expected: string, counterKeys: string[]): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const deleted = sql`delete from ${user} where ${and(eq(user.id, userId), eq(user.passwordHash, expected))} returning ${user.id}`;
  const counters = sql`delete from ${rateLimit} where ${inArray(rateLimit.key, counterKeys)} and exists (select 1 from deleted)`;
  const result = await withDb(
    (db) =>
      db.execute(sql`with deleted as (${deleted}), counters as (${counters}) select count(*)::int as n from deleted`),
    "delete account",
  );
  return rowsOf<{ n: number }>(result)[0]?.n === 1;
}
