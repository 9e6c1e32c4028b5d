import "server-only";
import { checkAuthConfig } from "@/lib/auth/secret";
import { getKeyring } from "@/lib/crypto/keyring";
import { describeDatabaseTarget, getDb } from "@/lib/db/client";
import { getFeatureFlags } from "@/lib/feature-flags";
import { trustProxyHops } from "@/lib/http/trust-proxy";
import { log } from "@/lib/log";

/** Validates configuration at server start; exits with a clear message when the server cannot run safely. */
export async function checkStartupConfig(): Promise<void> {
  for (const check of [getKeyring, checkAuthConfig, getFeatureFlags, trustProxyHops]) {
    try {
      check();
    } catch (error) {
      log.fatal({ scope: "startup" }, (error as Error).message);
      process.exit(1);
    }
  }
  // Open (and, for the embedded database, migrate) now so the first request does not pay for it. A database
  // that is down is not fatal: requests answer 503 until it is back.
  const started = Date.now();
  getDb().then(
    () => log.info({ scope: "db", ms: Date.now() - started }, `${describeDatabaseTarget()} ready`),
    () => {},
  );
}
