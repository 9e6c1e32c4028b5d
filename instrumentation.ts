/**
 * Runs once when a server starts (never during `next build`), in the process that owns the HTTP server. The
 * client-address policy goes first, so that it sees as many requests as possible (lib/http/trust-proxy.ts); every
 * request gets its id for the logs and is counted while in flight (lib/http/requests.ts), and every answer its HSTS
 * when the site is https (lib/http/site-headers.ts); the gateway's routes are answered without Next's router
 * (lib/gateway/entry.ts); SIGTERM and SIGINT shut
 * down gracefully (lib/shutdown.ts); production refuses to start without the secrets it needs, with a message that
 * says how to fix it, instead of failing on the first request; then the background key re-checker starts
 * (lib/keys/recheck-schedule.ts; KEY_RECHECK_HOURS=0 turns it off).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { installClientAddressPolicy } = await import("@/lib/http/trust-proxy");
  installClientAddressPolicy();
  const { watchRequests } = await import("@/lib/http/requests");
  watchRequests();
  const { installSiteHeaders } = await import("@/lib/http/site-headers");
  installSiteHeaders();
  const { installGatewayEntry } = await import("@/lib/gateway/entry");
  installGatewayEntry();
  const { handleShutdownSignals } = await import("@/lib/shutdown");
  handleShutdownSignals();
  const { checkStartupConfig } = await import("@/lib/startup");
  await checkStartupConfig();
  const { startKeyRechecks } = await import("@/lib/keys/recheck-schedule");
  startKeyRechecks();
}
