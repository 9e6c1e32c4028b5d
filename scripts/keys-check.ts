import { parseArgs } from "node:util";
import { closeDb, describeDatabaseTarget } from "@/lib/db/client";
import { databaseNow } from "@/lib/db/key-health";
import { recheckKeys } from "@/lib/keys/recheck";
import { endProgress, progressLine, run } from "./cli";

/**
 * npm run keys:check — asks each provider about every enabled key again and records what it says (health, and an
 * activity event when it changed). Exits 0 when the pass completes, whatever the providers said; 1 when the
 * database cannot be used. Safe beside running servers: keys are claimed under a lease, never checked twice.
 */
const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "4" },
    "spacing-ms": { type: "string", default: "250" },
    "older-than-hours": { type: "string", default: "0" },
  },
});
const number = (name: keyof typeof values, min: number) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got "${values[name]}"`);
  return value;
};

await run(async () => {
  const concurrency = number("concurrency", 1);
  const spacing = number("spacing-ms", 0);
  const olderThanHours = number("older-than-hours", 0);
  const started = Date.now();
  const checkedBefore = new Date((await databaseNow()).getTime() - olderThanHours * 3_600_000);
  const which =
    olderThanHours > 0 ? `enabled keys last checked more than ${olderThanHours} h ago` : "every enabled key";
  console.log(
    `Re-checking ${which} in ${describeDatabaseTarget()} (${concurrency} at a time, ≥ ${spacing} ms apart per provider) …`,
  );
  const summary = await recheckKeys({
    checkedBefore,
    concurrency,
    providerSpacingMs: spacing,
    onProgress: (p) => progressLine(`  ${p.checked}/${p.due} checked, ${p.changed} changed`),
  });
  endProgress();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Checked ${summary.checked} of ${summary.due} due keys in ${seconds} s:`);
  for (const [health, n] of Object.entries(summary.byHealth))
    console.log(`  ${health.padEnd(14)}${String(n).padStart(5)}`);
  if (summary.undecryptable)
    console.log(
      `  ${"undecryptable".padEnd(14)}${String(summary.undecryptable).padStart(5)}  (their users must enter them again)`,
    );
  if (summary.goneMeanwhile)
    console.log(
      `  ${"gone meanwhile".padEnd(14)}${String(summary.goneMeanwhile).padStart(5)}  (replaced, disabled or deleted during the check)`,
    );
  const changes = Object.entries(summary.changes).sort();
  if (changes.length === 0) console.log("No key changed health.");
  else {
    console.log("Changed health:");
    for (const [change, n] of changes) console.log(`  ${change.padEnd(40)}${String(n).padStart(5)}`);
  }
  if (summary.due > summary.checked + summary.undecryptable) {
    console.log(
      `(${summary.due - summary.checked - summary.undecryptable} due keys were taken by another re-checker or are for a provider no longer offered.)`,
    );
  }
  await closeDb();
});
