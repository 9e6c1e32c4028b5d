import { type NextRequest, NextResponse } from "next/server";
import { newNonce, pagePolicy, strictTransportSecurity } from "@/lib/http/security-headers";

/**
 * Every page request, whatever asks for it (a navigation, a router prefetch, an RSC request, a `Purpose: prefetch`
 * fetch; see `config`): a fresh nonce and the Content-Security-Policy that allows it, on the answer and on the
 * request the page renders from (Next takes the nonce for its scripts from there; the root layout reads
 * `x-nonce`). Pages are rendered per request, so every answer gets its own nonce, and every HTML answer a policy.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = pagePolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  const hsts = strictTransportSecurity();
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export const config = {
  matcher: [
    {
      // Not static files. Not the API either: next.config.ts gives it a policy of its own, lib/http/site-headers.ts
      // its HSTS, and for a request that goes through the proxy Next copies the body into memory first (up to 10 MB,
      // read whole), which would undo the routes' 16 KiB body limits. Prefetches are not left out: the HTML answer
      // to one (`Purpose: prefetch`) went out without its policy.
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
    },
  ],
};
