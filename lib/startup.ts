import "server-only";
import { checkAuthConfig } from "@/lib/auth/secret";
import { checkKeks } from "@/lib/crypto/kek/check";
import { describeDatabaseTarget, getDb } from "@/lib/db/client";
import { getFeatureFlags } from "@/lib/feature-flags";
import { trustProxyHops } from "@/lib/http/trust-proxy";
import { reportUnreadableKeys } from "@/lib/keys/unreadable";
import { log } from "@/lib/log";

/** Validates configuration at server start; exits with a clear message when the server cannot run safely. */
export async function checkStartupConfig(): Promise<void> {
  let keks = "";
  // The key-encryption keys first, as the keyring was: a token, PIN or key that cannot be used is named here.
  for (const check of [async () => (keks = await checkKeks()), checkAuthConfig, getFeatureFlags, trustProxyHops]) {
    try {
      await check();
    } catch (error) {
      log.fatal({ scope: "startup" }, (error as Error).message);
      process.exit(1);
    }
  }
  log.info({ scope: "keys" }, keks);
  // Open (and, for the embedded database, migrate) now so the first request does not pay for it. A database
  // that is down is not fatal: requests answer 503 until it is back. Then say how many stored keys this
  // configuration cannot open, from their KEK ids alone.
  const started = Date.now();
  getDb().then(
    () => {
      log.info({ scope: "db", ms: Date.now() - started }, `${describeDatabaseTarget()} ready`);
      void reportUnreadableKeys().catch(() => {});
    },
    () => {},
  );
}
