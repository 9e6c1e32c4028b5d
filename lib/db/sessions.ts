import "server-only";
import { and, eq, gt, lt, ne, sql } from "drizzle-orm";
import { inBackground } from "@/lib/background";
import { type Database, withDb } from "./client";
import { preparedPerHandle } from "./prepared";
import { accountEventCte } from "./key-events";
import { session } from "./schema";
import { isUuid } from "./uuid";

/** The Session table: one row per signed-in browser, each query scoped by `userId`. */

/** The live session `sessionId` of `userId`, as a select with placeholders: the API guard's check, and a CTE
 * of the key list's single statement (lib/db/user-api-keys.ts). */
export const selectLiveSession = (db: Database) =>
  db
    .select({ id: session.id })
    .from(session)
    .where(
      and(
        eq(session.id, sql.placeholder("sessionId")),
        eq(session.userId, sql.placeholder("userId")),
        gt(session.expiresAt, sql`now()`),
      ),
    );

const liveQuery = preparedPerHandle((db) => selectLiveSession(db).prepare("session_live"));

export async function isSessionLive(userId: string, sessionId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(sessionId)) return false;
  const rows = await withDb((db) => liveQuery(db).execute({ userId, sessionId }));
  return rows.length > 0;
}

/** A new session for a sign-in, ending after `maxAgeSeconds` at the latest, with its `signed_in` event: one statement. */
export async function createSession(userId: string, maxAgeSeconds: number): Promise<string> {
  const [row] = await withDb((db) => {
    const created = db.$with("created").as(
      db
        .insert(session)
        .values({ userId, expiresAt: sql`now() + make_interval(secs => ${maxAgeSeconds})` })
        .returning({ id: session.id }),
    );
    return db
      .with(created, accountEventCte(db, "logged", userId, "signed_in"))
      .select({ id: created.id })
      .from(created);
  });
  if (Math.random() < 0.01) inBackground(purgeExpiredSessions());
  return row!.id;
}

/** Ends one session (sign-out). */
export async function revokeSession(userId: string, sessionId: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(sessionId)) return;
  await withDb((db) => db.delete(session).where(and(eq(session.id, sessionId), eq(session.userId, userId))));
}

/** The user's sessions but `keep`, for a DELETE (here and in a password change, lib/db/users.ts). */
export const sessionsOf = (userId: string, keep?: string) =>
  and(eq(session.userId, userId), keep && isUuid(keep) ? ne(session.id, keep) : undefined);

/** Ends every session of the user ("sign out everywhere"), with its `sessions_revoked` event; how many ended. */
export async function revokeSessions(userId: string): Promise<number> {
  if (!isUuid(userId)) return 0;
  const rows = await withDb((db) => {
    const ended = db.$with("ended").as(db.delete(session).where(sessionsOf(userId)).returning({ id: session.id }));
    return db
      .with(ended, accountEventCte(db, "logged", userId, "sessions_revoked"))
      .select({ id: ended.id })
      .from(ended);
  });
  return rows.length;
}

async function purgeExpiredSessions(): Promise<void> {
  await withDb((db) => db.delete(session).where(lt(session.expiresAt, sql`now()`)));
}
