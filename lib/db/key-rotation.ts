import "server-only";
import { and, asc, count, gt, ne, sql } from "drizzle-orm";
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

const notSealedBy = (keyId: string) => ne(userApiKey.keyId, keyId);

export async function countKeysNotSealedBy(keyId: string): Promise<number> {
  const [row] = await withDb((db) => db.select({ total: count() }).from(userApiKey).where(notSealedBy(keyId)));
  return row?.total ?? 0;
}

/** The next batch of rows sealed by another key, in id order after `afterId`. */
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
    const e = eventsFrom(db, "e", k, { userId: k.userId, type: eventType("key_rotated"), providerId: k.providerId, detail: detailOf({}) });
    return db.with(k, e).select({ id: k.id }).from(k);
  });
  return rotated.length;
}
