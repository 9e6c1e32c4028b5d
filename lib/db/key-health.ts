import "server-only";
import { and, count, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { withDb } from "./client";
import { detailOf, eventsFrom, eventType } from "./key-events";
import type { HealthSource, KeyHealth } from "../domain/key-facts";
import { keyEvent, userApiKey } from "./schema";
import { isUuid } from "./uuid";

/**
 * A stored key's health (what its provider last said about it) and the re-checker's lease, each write one
 * statement with its events. No plaintext here: lib/keys asks the provider and hands over the verdict.
 */

/** The stored version of a key that was shown to the provider: its owner, provider and envelope. */
export interface CheckedKey {
  userId: string;
  providerId: string;
  /** Health is recorded only while the row still holds this envelope: a key replaced meanwhile is left alone. */
  encryptedKey: string;
  /** The key row, when known (a provider may hold several keys; the envelope alone already names one). */
  id?: string;
}

export interface HealthVerdict {
  health: Exclude<KeyHealth, "unchecked">;
  /** Our own sentence (lib/providers/key-check.ts), never the provider's words. */
  message: string;
  source: HealthSource;
  /** Also write a `key_tested` event (a test the user asked for). */
  tested?: boolean;
}

/** The key's health before and after a record. */
export interface HealthChange {
  previous: KeyHealth;
  health: KeyHealth;
}

/**
 * Records what the provider said, in ONE statement: health, its message and time, `lastValidatedAt` when the key
 * proved genuine, the re-check lease released; a `key_health_changed` event when the health differs from before
 * (read under the row's lock) and `key_tested` for a user's test. Null when the key is gone or was replaced.
 */
export async function recordHealth(key: CheckedKey, verdict: HealthVerdict): Promise<HealthChange | null> {
  if (!isUuid(key.userId) || !isUuid(key.providerId)) return null;
  const genuine = verdict.health === "ok" || verdict.health === "limited";
  const rows = await withDb((db) => {
    const prev = db.$with("prev").as(
      db
        .select({ id: userApiKey.id, previous: sql<KeyHealth>`${userApiKey.health}`.as("previous") })
        .from(userApiKey)
        .where(
          and(
            eq(userApiKey.userId, key.userId),
            eq(userApiKey.providerId, key.providerId),
            eq(userApiKey.encryptedKey, key.encryptedKey),
            key.id && isUuid(key.id) ? eq(userApiKey.id, key.id) : undefined,
          ),
        )
        .for("update"),
    );
    const k = db.$with("k").as(
      db
        .update(userApiKey)
        .set({
          health: verdict.health,
          healthMessage: verdict.message,
          healthCheckedAt: sql`now()`,
          recheckLeaseUntil: null,
          ...(genuine ? { lastValidatedAt: sql`now()` } : {}),
        })
        .where(eq(userApiKey.id, prev.id))
        .from(prev)
        .returning({
          id: userApiKey.id,
          userId: userApiKey.userId,
          providerId: userApiKey.providerId,
          label: userApiKey.label,
          health: userApiKey.health,
          previous: sql<KeyHealth>`${prev.previous}`.as("previousHealth"),
        }),
    );
    const of = { userId: k.userId, providerId: k.providerId };
    const tested = {
      ...of,
      type: eventType("key_tested"),
      detail: sql`${detailOf({ health: verdict.health })} || jsonb_build_object('label', ${k.label})`,
    };
    const changed = {
      ...of,
      type: eventType("key_health_changed"),
      detail: sql`jsonb_build_object('from', ${k.previous}, 'to', ${k.health}, 'source', ${verdict.source}::text, 'label', ${k.label})`,
      when: sql`${k.previous} <> ${k.health}`,
    };
    const e = verdict.tested ? eventsFrom(db, "e", k, tested, changed) : eventsFrom(db, "e", k, changed);
    return db.with(prev, k, e).select({ previous: k.previous, health: k.health }).from(k);
  });
  return rows[0] ?? null;
}

/** Enabled keys last checked before `moment`, or never. `isEnabled` as a bare column, not `= $1`, so that the
 * planner can use the partial index UserApiKey_recheck_idx. */
const checkedBefore = (moment: Date) =>
  and(sql`${userApiKey.isEnabled}`, or(isNull(userApiKey.healthCheckedAt), lt(userApiKey.healthCheckedAt, moment)));

/** A key handed to a re-checker: enough to open it and to record what its provider says. */
export interface ClaimedKey extends CheckedKey {
  id: string;
}

/**
 * Claims up to `limit` enabled keys last checked before `checkedBefore` (never checked first) for `leaseSeconds`,
 * in ONE statement. Rows another re-checker is claiming are skipped (FOR UPDATE SKIP LOCKED), rows it holds are
 * leased: several app instances and `npm run keys:check` share the work and never check one key twice at once.
 * Deliberately not scoped by user: this is the operator's maintenance pass, like rotation (lib/db/key-rotation.ts).
 */
export async function claimKeysForRecheck(options: {
  checkedBefore: Date;
  limit: number;
  leaseSeconds: number;
}): Promise<ClaimedKey[]> {
  const due = and(
    checkedBefore(options.checkedBefore),
    or(isNull(userApiKey.recheckLeaseUntil), lt(userApiKey.recheckLeaseUntil, sql`now()`)),
  ) as SQL;
  return withDb((db) => {
    const candidates = db
      .select({ id: userApiKey.id })
      .from(userApiKey)
      .where(due)
      .orderBy(sql`${userApiKey.healthCheckedAt} asc nulls first`)
      .limit(options.limit)
      .for("update", { skipLocked: true });
    return db
      .update(userApiKey)
      .set({ recheckLeaseUntil: sql`now() + make_interval(secs => ${options.leaseSeconds})` })
      .where(and(sql`${userApiKey.id} in ${candidates}`, due))
      .returning({
        id: userApiKey.id,
        userId: userApiKey.userId,
        providerId: userApiKey.providerId,
        encryptedKey: userApiKey.encryptedKey,
      });
  });
}

/** Leaves a claimed key alone for `seconds` (e.g. one the keyring cannot open), so no re-checker retries it soon. */
export async function postponeRecheck(key: ClaimedKey, seconds: number): Promise<void> {
  await withDb((db) =>
    db
      .update(userApiKey)
      .set({ recheckLeaseUntil: sql`now() + make_interval(secs => ${seconds})` })
      .where(and(eq(userApiKey.id, key.id), eq(userApiKey.userId, key.userId))),
  );
}

/** Hands back keys claimed but not checked (a pass stopped early): any re-checker may take them at once. */
export async function releaseRecheck(keys: ClaimedKey[]): Promise<void> {
  if (keys.length === 0) return;
  const owned = sql.join(
    keys.map((k) => sql`(${k.id}::uuid, ${k.userId}::uuid)`),
    sql`, `,
  );
  await withDb((db) =>
    db
      .update(userApiKey)
      .set({ recheckLeaseUntil: null })
      .where(sql`(${userApiKey.id}, ${userApiKey.userId}) in (${owned})`),
  );
}

/** How many enabled keys were last checked before `checkedBefore` (never checked included): a pass's total. */
export async function countKeysDueForRecheck(moment: Date): Promise<number> {
  const [row] = await withDb((db) => db.select({ total: count() }).from(userApiKey).where(checkedBefore(moment)));
  return row?.total ?? 0;
}

/** The database's clock: a re-check pass measures "checked before it started" on the clock that stamps checks. */
export async function databaseNow(): Promise<Date> {
  const [row] = await withDb((db) =>
    db.select({ now: sql<Date>`now()`.mapWith(keyEvent.at) }).from(sql`(select 1) as one`),
  );
  return row!.now;
}
