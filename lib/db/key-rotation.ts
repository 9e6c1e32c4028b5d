import "server-only";
import { and, asc, count, gt, ne, notLike, or, sql } from "drizzle-orm";
import { withDb } from "./client";
import { detailOf, eventsFrom, eventType } from "./key-events";
import { userApiKey } from "./schema";

/** The reads and writes of key rotation (lib/keys/rotate.ts), each one statement; no plaintext here. */

export interface SealedRow {
  id: string;
  userId: string;
  providerId: string;
  encryptedKey: string;
}

/**
 * Rows to move: wrapped by another KEK, or still in the first envelope version (sealed directly by a keyring key,
 * lib/crypto/secret-box.ts) whatever key sealed them. The second test reads each row of a batch's range, which
 * `keys:rotate` walks once by id.
 */
const notSealedBy = (keyId: string) => or(ne(userApiKey.keyId, keyId), notLike(userApiKey.encryptedKey, "v2.%"));

export async function countKeysNotSealedBy(keyId: string): Promise<number> {
  const [row] = await withDb((db) => db.select({ total: count() }).from(userApiKey).where(notSealedBy(keyId)));
  return row?.total ?? 0;
}

/** The next batch of rows to move (sealed by another KEK, or v1), in id order after `afterId`. */
export async function keysNotSealedBy(keyId: string, afterId: string, limit: number): Promise<SealedRow[]> {
  return withDb((db) =>
    db
      .select({
        id: userApiKey.id,
        userId: userApiKey.userId,
        providerId: userApiKey.providerId,
        encryptedKey: userApiKey.encryptedKey,
      })
      .from(userApiKey)
      .where(and(notSealedBy(keyId), gt(userApiKey.id, afterId)))
      .orderBy(asc(userApiKey.id))
      .limit(limit),
  );
}

/**
 * How many stored keys each KEK (or, for v1 envelopes, keyring key) wrapped: one statement over the `keyId` index,
 * across every user (an operator's view: the start-up report and `keys:rotate`'s summary). No envelope is read.
 */
export async function keysPerKek(): Promise<Map<string, number>> {
  const rows = await withDb((db) =>
    db.select({ keyId: userApiKey.keyId, keys: count() }).from(userApiKey).groupBy(userApiKey.keyId),
  );
  return new Map(rows.map((row) => [row.keyId, row.keys]));
}

/**
 * Swaps each row's envelope for its re-sealed one in ONE statement, with a `key_rotated` event per row that
 * changed. The (id, old envelope) match skips rows re-saved since they were read, so a concurrent save is never
 * overwritten. Returns how many rows changed.
 */
export async function replaceEnvelopes(
  updates: { id: string; old: string; next: string }[],
  keyId: string,
): Promise<number> {
  if (updates.length === 0) return 0;
  const next = sql.join(
    updates.map((u) => sql`when ${u.id}::uuid then ${u.next}`),
    sql` `,
  );
  const stillOld = sql.join(
    updates.map((u) => sql`(${u.id}::uuid, ${u.old})`),
    sql`, `,
  );
  const rotated = await withDb((db) => {
    const k = db.$with("k").as(
      db
        .update(userApiKey)
        .set({ encryptedKey: sql`case ${userApiKey.id} ${next} end`, keyId })
        .where(sql`(${userApiKey.id}, ${userApiKey.encryptedKey}) in (${stillOld})`)
        .returning({ id: userApiKey.id, userId: userApiKey.userId, providerId: userApiKey.providerId }),
    );
    const e = eventsFrom(db, "e", k, {
      userId: k.userId,
      type: eventType("key_rotated"),
      providerId: k.providerId,
      detail: detailOf({}),
    });
    return db.with(k, e).select({ id: k.id }).from(k);
  });
  return rotated.length;
}
