import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import { strictTransportSecurity } from "./security-headers";

/**
 * Headers every answer of the server carries, whatever produced it (a page, an API route, next-auth, a static file,
 * a 404): Strict-Transport-Security when NEXTAUTH_URL is https. Set on the response at Node's
 * `http.server.request.start` (before Next sees the request, as lib/http/requests.ts sets X-Request-Id), because
 * next.config.ts's headers are fixed at build time and the proxy (proxy.ts) does not run for the API. Installed
 * once per process from instrumentation.ts.
 */
const installed = globalThis as unknown as { __byokSiteHeaders?: boolean };

export function installSiteHeaders(): void {
  if (installed.__byokSiteHeaders) return;
  installed.__byokSiteHeaders = true;
  subscribe("http.server.request.start", (message) => {
    const hsts = strictTransportSecurity();
    if (hsts) (message as { response: ServerResponse }).response.setHeader("Strict-Transport-Security", hsts);
  });
}
