import { closeDb, describeDatabaseTarget } from "@/lib/db/client";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { endProgress, progressLine, run } from "./cli";

const batchSize = Number(process.env.ROTATE_BATCH_SIZE ?? 500);

await run(async () => {
  console.log(`Re-encrypting stored API keys in ${describeDatabaseTarget()} (batches of ${batchSize}) …`);
  const result = await rotateApiKeys({
    batchSize,
    onProgress: (p) => progressLine(`  ${p.scanned}/${p.total} scanned, ${p.rotated} re-encrypted`),
  });
  endProgress();
  console.log(`Active key: ${result.activeKeyId}`);
  console.log(`  on an old key at start: ${result.total}`);
  console.log(`  re-encrypted:           ${result.rotated}`);
  console.log(`  re-saved meanwhile:     ${result.changedMeanwhile}`);
  console.log(`  undecryptable:          ${result.undecryptable}${result.undecryptable ? " (their users must re-enter them)" : ""}`);
  if (result.total === 0) console.log("Nothing to do: every key already uses the active key.");
  await closeDb();
});
