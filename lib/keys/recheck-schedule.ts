import "server-only";
import { env } from "@/lib/env";
import { databaseNow } from "@/lib/db/key-health";
import { describeDatabaseError } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { whenStopping } from "@/lib/shutdown";
import { recheckKeys } from "./recheck";

/**
 * The background re-checker of a running server: every so often (a quarter of the period, at most 15 minutes,
 * with ±50 % jitter so that instances started together drift apart) it re-checks the enabled keys last checked
 * more than KEY_RECHECK_HOURS ago (default 24; 0 turns it off). Instances share the work through the leases of
 * lib/db/key-health.ts, so no key is checked twice in a period. Its timers never keep the process alive, and a
 * stop (SIGTERM, SIGINT) aborts the checks in flight.
 */

const MAX_INTERVAL_MS = 15 * 60 * 1000;
const FIRST_RUN_MS = 60 * 1000;

/** KEY_RECHECK_HOURS: a number of hours ≥ 0 (lib/env.ts; anything else is the default, 24, and refused at start). */
export const recheckHours = (): number => env("KEY_RECHECK_HOURS");

export interface Rechecker {
  /** Stops the timers and aborts the pass in flight; resolves when it has ended. */
  stop: () => Promise<void>;
}

/** ±50 %: `ms` times a factor in [0.5, 1.5). */
const jitter = (ms: number, random = Math.random) => Math.round(ms * (0.5 + random()));

export function startRechecker(hours: number, options: { random?: () => number } = {}): Rechecker {
  const periodMs = hours * 3_600_000;
  const intervalMs = Math.min(MAX_INTERVAL_MS, periodMs / 4);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function pass(): Promise<void> {
    try {
      const checkedBefore = new Date((await databaseNow()).getTime() - periodMs);
      const summary = await recheckKeys({ checkedBefore, concurrency: 2, signal: controller.signal });
      if (summary.checked > 0) {
        const changes = Object.entries(summary.changes)
          .map(([change, n]) => `${change} (${n})`)
          .join(", ");
        const message = `[recheck] ${summary.checked} keys re-checked${changes ? `; changed: ${changes}` : ", none changed"}`;
        log.info({ scope: "recheck", checked: summary.checked, changed: summary.changed }, message);
      }
    } catch (error) {
      log.warn({ scope: "recheck", reason: describeDatabaseError(error) }, "[recheck] pass failed, will try again");
    }
  }

  function schedule(ms: number): void {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule(jitter(intervalMs, options.random));
      });
    }, ms);
    timer.unref();
  }

  schedule(jitter(Math.min(FIRST_RUN_MS, intervalMs), options.random));
  return {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

const registry = globalThis as unknown as { __byokRechecker?: Rechecker | null };

/**
 * Starts this process's re-checker once (a dev server's hot reloads included), as KEY_RECHECK_HOURS says, and
 * stops it on SIGTERM / SIGINT beside Next's own handlers (which then exit). Under NEXT_MANUAL_SIG_HANDLE the
 * graceful shutdown (lib/shutdown.ts) stops it while the requests in flight finish. Called from instrumentation.ts.
 */
export function startKeyRechecks(): void {
  if (registry.__byokRechecker !== undefined) return;
  const hours = recheckHours();
  if (hours === 0) {
    registry.__byokRechecker = null;
    return;
  }
  const rechecker = (registry.__byokRechecker = startRechecker(hours));
  if (env("NEXT_MANUAL_SIG_HANDLE")) {
    whenStopping(() => rechecker.stop());
  } else {
    const stop = () => void rechecker.stop();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
  log.info(
    { scope: "recheck", hours },
    `[recheck] keys last checked more than ${hours} h ago are re-checked in the background`,
  );
}
