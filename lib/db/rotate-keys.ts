import "server-only";
import { and, asc, count, gt, ne, sql } from "drizzle-orm";
import { getKeyring } from "@/lib/crypto/keyring";
import { open, seal } from "@/lib/crypto/secret-box";
import { KeyDecryptionError } from "@/lib/errors";
import { withDb } from "./client";
import { userApiKey } from "./schema";

export interface RotationProgress {
  /** Rows that were on an old key id when the run started. */
  total: number;
  scanned: number;
  rotated: number;
  /** Rows the keyring cannot open (retired key, tampering): left as they are, flagged "needs re-entry". */
  undecryptable: number;
  /** Rows the user re-saved while we worked: their new ciphertext already uses the active key. */
  changedMeanwhile: number;
}

/**
 * Re-encrypts every row sealed by a key other than the active one, in batches ordered by id. Each batch is one
 * UPDATE that only touches rows whose ciphertext is still the one we read, so a concurrent save is never
 * overwritten. Idempotent: a second run finds nothing to do.
 */
export async function rotateApiKeys(
  options: { batchSize?: number; onProgress?: (progress: RotationProgress) => void } = {},
): Promise<RotationProgress & { activeKeyId: string }> {
  const batchSize = options.batchSize ?? 500;
  const keyring = getKeyring();
  const stale = ne(userApiKey.keyId, keyring.activeId);
  const [{ total } = { total: 0 }] = await withDb((db) => db.select({ total: count() }).from(userApiKey).where(stale));
  const progress: RotationProgress = { total, scanned: 0, rotated: 0, undecryptable: 0, changedMeanwhile: 0 };
  let after = "00000000-0000-0000-0000-000000000000";

  for (;;) {
    const batch = await withDb((db) =>
      db
        .select({
          id: userApiKey.id,
          userId: userApiKey.userId,
          providerId: userApiKey.providerId,
          encryptedKey: userApiKey.encryptedKey,
        })
        .from(userApiKey)
        .where(and(stale, gt(userApiKey.id, after)))
        .orderBy(asc(userApiKey.id))
        .limit(batchSize),
    );
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    progress.scanned += batch.length;

    const updates: { id: string; old: string; next: string }[] = [];
    for (const row of batch) {
      try {
        const context = { userId: row.userId, providerId: row.providerId };
        const next = seal(keyring, open(keyring, row.encryptedKey, context), context).envelope;
        updates.push({ id: row.id, old: row.encryptedKey, next });
      } catch (error) {
        if (!(error instanceof KeyDecryptionError)) throw error;
        progress.undecryptable++;
      }
    }
    if (updates.length > 0) {
      // One statement per batch; the (id, old ciphertext) match skips rows re-saved since we read them.
      const next = sql.join(
        updates.map((u) => sql`when ${u.id}::uuid then ${u.next}`),
        sql` `,
      );
      const stillOld = sql.join(
        updates.map((u) => sql`(${u.id}::uuid, ${u.old})`),
        sql`, `,
      );
      const rotated = await withDb((db) =>
        db
          .update(userApiKey)
          .set({ encryptedKey: sql`case ${userApiKey.id} ${next} end`, keyId: keyring.activeId })
          .where(sql`(${userApiKey.id}, ${userApiKey.encryptedKey}) in (${stillOld})`)
          .returning({ id: userApiKey.id }),
      );
      progress.rotated += rotated.length;
      progress.changedMeanwhile += updates.length - rotated.length;
    }
    options.onProgress?.({ ...progress });
  }
  return { ...progress, activeKeyId: keyring.activeId };
}
