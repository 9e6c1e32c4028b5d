/**
 * The hosts the development server serves its own resources (scripts, HMR, server-action posts) to, besides
 * `localhost` which Next always allows. Without them a page opened at http://127.0.0.1:3000 never hydrates:
 * Next 16 answers its scripts 403 ("Blocked cross-origin request to Next.js dev resource"). Next matches host
 * names only, so the same list serves every `PORT`; NEXTAUTH_URL adds its own host (e.g. a LAN name used on a
 * phone). Development only: next.config.ts reads it in the development-server phase.
 */
export function devOrigins(env: { NEXTAUTH_URL?: string }): string[] {
  const hosts = ["localhost", "127.0.0.1", "::1", "[::1]"];
  const url = env.NEXTAUTH_URL?.trim();
  if (url) {
    try {
      hosts.push(new URL(url).hostname.toLowerCase());
    } catch {
      // not a URL: lib/startup.ts reports it; the loopback hosts still work
    }
  }
  return [...new Set(hosts)];
}
