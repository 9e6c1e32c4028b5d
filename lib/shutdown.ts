import "server-only";
import { env, exportToProcessEnv, isProduction } from "@/lib/env";
import { backgroundSettled } from "@/lib/background";
import { closeDb } from "@/lib/db/client";
import { drainRequests, startDraining } from "@/lib/http/requests";
import { log } from "@/lib/log";

/**
 * Graceful shutdown on SIGTERM (a container stopping) and SIGINT: answer "not ready" for SHUTDOWN_DRAIN_MS (1 s)
 * while still serving, so that a load balancer's checks take the instance out before it stops listening (a
 * connection the balancer opened just as the listener closed would be reset after its request was sent: a 502 the
 * balancer cannot safely retry); then stop accepting connections, let the requests in flight finish for up to 10 s
 * (SHUTDOWN_GRACE_MS), wait for background work, close the database (PGlite
 * writes its files out), exit 0. Next.js stands aside when NEXT_MANUAL_SIG_HANDLE is set (`npm start`, the
 * Dockerfile and dev/app-server.ts set it); in production without it (a bare `next start` or standalone
 * `server.js`) the app removes Next's handlers, which exit at once, and installs its own. `next dev` keeps Next's.
 */

// One per process, whichever bundle loads this module first (see lib/request-context.ts).
const KEY = Symbol.for("byok.lifecycle");
const holder = globalThis as unknown as {
  [KEY]?: { installed: boolean; stopping: boolean; stoppers: (() => Promise<void>)[] };
};
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
  const drain = env("SHUTDOWN_DRAIN_MS");
  // Whatever hangs below, the process still ends.
  setTimeout(
    () => {
      log.error({ scope: "shutdown" }, "shutdown did not finish in time: exiting");
      process.exit(1);
    },
    drain + grace + 5_000,
  ).unref();
  startDraining();
  log.info(
    { scope: "shutdown", signal, drainMs: drain, graceMs: grace },
    "stopping: not ready for new requests, then no new connections, finishing the requests in flight",
  );
  if (drain > 0) await new Promise((resolve) => setTimeout(resolve, drain));

  const [{ inFlight, cut }] = await Promise.all([
    drainRequests(grace),
    ...lifecycle.stoppers.map((stop) => stop().catch(() => {})),
  ]);
  await backgroundSettled();
  await closeDb().catch((error: unknown) =>
    log.error({ scope: "shutdown", reason: String(error) }, "closing the database failed"),
  );
  log.info(
    { scope: "shutdown", inFlight, cut },
    `stopped: ${inFlight - cut} of ${inFlight} requests in flight finished`,
  );
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
    if (!isProduction()) return; // `next dev`: its parent process owns the signals
    // A bare `next start` or `node .next/standalone/server.js`: Next's start-server registered its own handlers
    // (exit 143 at once, requests in flight cut) before it loaded this instrumentation. They are the only
    // SIGTERM/SIGINT listeners at this point; the app takes their place, as NEXT_MANUAL_SIG_HANDLE would have.
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    }
    exportToProcessEnv("NEXT_MANUAL_SIG_HANDLE", "true");
    log.info({ scope: "shutdown" }, "SIGTERM and SIGINT taken over from Next.js: a stop drains the requests in flight");
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void shutdown(signal));
}
