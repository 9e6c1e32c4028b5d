import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import { open, seal } from "@/lib/crypto/secret-box";
import { countKeysNotSealedBy, keysNotSealedBy, replaceEnvelopes } from "@/lib/db/key-rotation";
import { KeyDecryptionError } from "@/lib/errors";

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
 * Re-encrypts every row sealed by a key other than the active one, in batches ordered by id, each batch written
 * by one statement that leaves rows re-saved meanwhile alone. Idempotent: a second run finds nothing to do.
 */
export async function rotateApiKeys(
  options: { batchSize?: number; onProgress?: (progress: RotationProgress) => void } = {},
): Promise<RotationProgress & { activeKeyId: string }> {
  const batchSize = options.batchSize ?? 500;
  const keyring = getKeyring();
  const total = await countKeysNotSealedBy(keyring.activeId);
  const progress: RotationProgress = { total, scanned: 0, rotated: 0, undecryptable: 0, changedMeanwhile: 0 };
  let after = "00000000-0000-0000-0000-000000000000";

  for (;;) {
    const batch = await keysNotSealedBy(keyring.activeId, after, batchSize);
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
    const rotated = await replaceEnvelopes(updates, keyring.activeId);
    progress.rotated += rotated;
    progress.changedMeanwhile += updates.length - rotated;
    options.onProgress?.({ ...progress });
  }
  return { ...progress, activeKeyId: keyring.activeId };
}
