import "server-only";
import { checkSiteUrl, getAuthSecret } from "@/lib/auth/secret";
import { checkKeks } from "@/lib/crypto/kek/check";
import { describeDatabaseTarget, getDb, poolerMode } from "@/lib/db/client";
import { getFeatureFlags } from "@/lib/feature-flags";
import { trustProxyHops } from "@/lib/http/trust-proxy";
import { reportUnreadableKeys } from "@/lib/keys/unreadable";
import { log } from "@/lib/log";

/**
 * Every configuration check a server makes before it answers; each throws with a sentence naming its variable.
 * The key-encryption keys first, as the keyring was: a token, PIN or key that cannot be used is named there.
 */
const CHECKS: (() => unknown)[] = [checkKeks, getAuthSecret, checkSiteUrl, getFeatureFlags, trustProxyHops, poolerMode];

/** What is wrong with the configuration: every problem, not only the first (a fix per start would take several). */
export async function startupProblems(checks: (() => unknown)[] = CHECKS): Promise<string[]> {
  const problems: string[] = [];
  for (const check of checks) {
    try {
      await check();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return problems;
}

/** Validates configuration at server start; exits, naming every problem, when the server cannot run safely. */
export async function checkStartupConfig(): Promise<void> {
  const problems = await startupProblems();
  if (problems.length > 0) {
    for (const problem of problems) log.fatal({ scope: "startup" }, problem);
    log.fatal(
      { scope: "startup", problems: problems.length },
      `The server cannot start: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`} in its configuration, listed above. .env.example describes every variable.`,
    );
    process.exit(1);
  }
  log.info({ scope: "keys" }, await checkKeks());
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
