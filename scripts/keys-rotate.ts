import { checkKeks } from "@/lib/crypto/kek/check";
import { closeDb, describeDatabaseTarget } from "@/lib/db/client";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { endProgress, progressLine, run } from "./cli";

const batchSize = Number(process.env.ROTATE_BATCH_SIZE ?? 500);

await run(async () => {
  // As a server starts: a token, PIN or key that cannot be used is named before anything is read.
  console.log(await checkKeks());
  console.log(
    `Moving stored API keys under the first key-encryption key in ${describeDatabaseTarget()} (batches of ${batchSize}) …`,
  );
  const result = await rotateApiKeys({
    batchSize,
    onProgress: (p) => progressLine(`  ${p.scanned}/${p.total} scanned, ${p.rotated} moved`),
  });
  endProgress();
  console.log(`Key-encryption key: ${result.activeKeyId}`);
  console.log(`  to move at start:      ${result.total}`);
  console.log(
    `  moved:                 ${result.rotated} (data keys re-wrapped; ${result.resealed} of the first envelope version sealed anew)`,
  );
  console.log(`  re-saved meanwhile:    ${result.changedMeanwhile}`);
  console.log(
    `  undecryptable:         ${result.undecryptable}${result.undecryptable ? " (their users must re-enter them)" : ""}`,
  );
  const left = Object.entries(result.leftUnder);
  if (left.length === 0)
    console.log(
      `Nothing is left under any other key-encryption key: every KEK but ${result.activeKeyId} can be retired.`,
    );
  else
    console.log(
      `Left under other keys: ${left.map(([id, n]) => `${id}: ${n}`).join(", ")} (keep those KEKs until their keys are re-entered or deleted).`,
    );
  if (result.total === 0) console.log("Nothing to do: every key already uses the first key-encryption key.");
  await closeDb();
});
