/**
 * Runs once when a server starts (never during `next build`), in the process that owns the HTTP server. The
 * client-address policy goes first, so that it sees as many requests as possible; then production refuses to
 * start without the secrets it needs, with a message that says how to fix it, instead of failing on the first
 * request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installClientAddressPolicy } = await import("@/lib/http/trust-proxy");
  installClientAddressPolicy();
  const { checkStartupConfig } = await import("@/lib/startup");
  await checkStartupConfig();
}
