import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import { describeDatabaseTarget, getDb } from "@/lib/db/client";

/** Validates configuration at server start; exits the process with a clear message when it cannot run. */
export async function checkStartupConfig(): Promise<void> {
  try {
    getKeyring();
  } catch (error) {
    console.error(`[startup] ${(error as Error).message}`);
    process.exit(1);
  }
  // Open (and, for the embedded database, migrate) now so the first request does not pay for it. A database
  // that is down is not fatal: requests answer 503 until it is back.
  const started = Date.now();
  getDb().then(
    () => console.info(`[db] ${describeDatabaseTarget()} ready in ${Date.now() - started} ms`),
    () => {},
  );
}
