import "server-only";
import { rewrap } from "@/lib/crypto/envelope";
import { kekSettings } from "@/lib/crypto/kek/ring";
import { countKeysNotSealedBy, keysNotSealedBy, keysPerKek, replaceEnvelopes } from "@/lib/db/key-rotation";
import { KeyDecryptionError } from "@/lib/errors";

export interface RotationProgress {
  /** Rows under another KEK, or in the first envelope version, when the run started. */
  total: number;
  scanned: number;
  /** Rows moved under the wrapping KEK (v2 re-wrapped, or v1 sealed anew). */
  rotated: number;
  /** Rows of the first version among those sent to be moved, whose key had to be sealed anew under a fresh data key. */
  resealed: number;
  /** Rows this server cannot open (a KEK it does not hold, tampering): left as they are, flagged "needs re-entry". */
  undecryptable: number;
  /** Rows the user re-saved while we worked: their new envelope already uses the wrapping KEK. */
  changedMeanwhile: number;
}

export interface RotationResult extends RotationProgress {
  /** The KEK every moved row is now under (the first of the backend KEK_BACKEND names). */
  activeKeyId: string;
  /** Rows left under each other KEK when the run ended: a KEK may be retired once it has none. */
  leftUnder: Record<string, number>;
}

/**
 * Moves every stored key under the wrapping KEK, in batches ordered by id: a v2 envelope's data key is re-wrapped
 * (its ciphertext is not touched), a v1 envelope is sealed anew. Each batch is one statement that leaves rows
 * re-saved meanwhile alone, so the app keeps serving throughout. Resumable: a run that is stopped leaves every row
 * either moved or as it was, and the next run picks up what is left. A KEK that stops answering stops the run
 * (KeyServiceUnavailableError) with everything done so far kept.
 */
export async function rotateApiKeys(
  options: { batchSize?: number; onProgress?: (progress: RotationProgress) => void } = {},
): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 500;
  const wrappingId = kekSettings().wrappingId;
  const total = await countKeysNotSealedBy(wrappingId);
  const progress: RotationProgress = {
    total,
    scanned: 0,
    rotated: 0,
    resealed: 0,
    undecryptable: 0,
    changedMeanwhile: 0,
  };
  let after = "00000000-0000-0000-0000-000000000000";

  for (;;) {
    const batch = await keysNotSealedBy(wrappingId, after, batchSize);
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    progress.scanned += batch.length;

    const updates: { id: string; old: string; next: string }[] = [];
    for (const row of batch) {
      try {
        const { envelope } = await rewrap(row.encryptedKey, { userId: row.userId, providerId: row.providerId });
        updates.push({ id: row.id, old: row.encryptedKey, next: envelope });
      } catch (error) {
        if (!(error instanceof KeyDecryptionError)) throw error;
        progress.undecryptable++;
      }
    }
    const rotated = await replaceEnvelopes(updates, wrappingId);
    progress.rotated += rotated;
    progress.resealed += updates.filter((u) => !u.old.startsWith("v2.")).length;
    progress.changedMeanwhile += updates.length - rotated;
    options.onProgress?.({ ...progress });
  }
  const perKek = await keysPerKek();
  perKek.delete(wrappingId);
  return { ...progress, activeKeyId: wrappingId, leftUnder: Object.fromEntries(perKek) };
}
