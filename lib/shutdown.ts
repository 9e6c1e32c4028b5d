import "server-only";
import { env, isProduction } from "@/lib/env";
import { backgroundSettled } from "@/lib/background";
import { closeDb } from "@/lib/db/client";
import { drainRequests } from "@/lib/http/requests";
import { log } from "@/lib/log";

/**
 * Graceful shutdown on SIGTERM (a container stopping) and SIGINT: stop accepting connections, let the requests in
 * flight finish for up to 10 s (SHUTDOWN_GRACE_MS), wait for background work, close the database (PGlite
 * writes its files out), exit 0. Next.js only stands aside when NEXT_MANUAL_SIG_HANDLE is set (`npm start`,
 * the Dockerfile and dev/app-server.ts set it); without it Next's own handler runs, as under `next dev`.
 */

// One per process, whichever bundle loads this module first (see lib/request-context.ts).
const KEY = Symbol.for("byok.lifecycle");
const holder = globalThis as unknown as { [KEY]?: { installed: boolean; stopping: boolean; stoppers: (() => Promise<void>)[] } };
const lifecycle = (holder[KEY] ??= { installed: false, stopping: false, stoppers: [] });

function graceMs(): number {
  return env("SHUTDOWN_GRACE_MS");
}

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (lifecycle.stopping) {
    log.warn({ scope: "shutdown", signal }, "second signal: exiting now");
    process.exit(1);
  }
  lifecycle.stopping = true;
  const grace = graceMs();
  // Whatever hangs below, the process still ends.
  setTimeout(() => {
    log.error({ scope: "shutdown" }, "shutdown did not finish in time: exiting");
    process.exit(1);
  }, grace + 5_000).unref();
  log.info({ scope: "shutdown", signal, graceMs: grace }, "stopping: no new connections, finishing the requests in flight");

  const [{ inFlight, cut }] = await Promise.all([drainRequests(grace), ...lifecycle.stoppers.map((stop) => stop().catch(() => {}))]);
  await backgroundSettled();
  await closeDb().catch((error: unknown) => log.error({ scope: "shutdown", reason: String(error) }, "closing the database failed"));
  log.info({ scope: "shutdown", inFlight, cut }, `stopped: ${inFlight - cut} of ${inFlight} requests in flight finished`);
  process.exit(0);
}

/** Work of its own (the key re-checker) that a shutdown stops while the requests in flight finish. */
export function whenStopping(stop: () => Promise<void>): void {
  lifecycle.stoppers.push(stop);
}

export function handleShutdownSignals(): void {
  if (lifecycle.installed) return;
  lifecycle.installed = true;
  if (!env("NEXT_MANUAL_SIG_HANDLE")) {
    if (isProduction()) {
      log.warn({ scope: "shutdown" }, "NEXT_MANUAL_SIG_HANDLE is not set: Next.js handles SIGTERM itself (no time bound, the database is not closed). Start with `npm start`.");
    }
    return;
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void shutdown(signal));
}
