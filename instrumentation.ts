/**
 * Runs once when a server starts (never during `next build`). Production refuses to start without the secrets it
 * needs, with a message that says how to fix it, instead of failing on the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkStartupConfig } = await import("@/lib/startup");
  await checkStartupConfig();
}
