import { BEHAVIOURS } from "../dev/fake-providers/behaviours";
import { startFakeProviders } from "../dev/fake-providers/server";

/**
 * Starts the fake provider server (what tests use) for manual runs and browser tests, and prints the env lines
 * that point the app at it. A key's behaviour is a word inside it: sk-test-valid-123, sk-test-invalid-123, …
 */
const port = Number(process.env.FAKE_PROVIDERS_PORT ?? 4010);
const slowMs = Number(process.env.FAKE_PROVIDERS_SLOW_MS ?? 30_000);
const fake = await startFakeProviders({ port, slowMs });

console.log(`Fake providers listening on ${fake.url}. Point the app at them with:\n`);
for (const [name, value] of Object.entries(fake.env)) console.log(`${name}=${value}`);
console.log(`\nKey behaviours (put the word in the key, e.g. sk-test-valid-123): ${BEHAVIOURS.join(", ")}.`);
console.log("Unmarked keys are rejected. Make every provider start rejecting a key that was valid with:");
console.log(
  `  curl -X POST ${fake.url}/__control/revoke -H 'content-type: application/json' -d '{"key":"sk-test-valid-123"}'`,
);
console.log("(and /__control/restore to undo). Ctrl-C to stop.");

const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
