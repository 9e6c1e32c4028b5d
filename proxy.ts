import { type NextRequest, NextResponse } from "next/server";
import { newNonce, pagePolicy, strictTransportSecurity } from "@/lib/http/security-headers";

/**
 * Every page request (see `config`): a fresh nonce and the Content-Security-Policy that allows it, on the answer
 * and on the request the page renders from (Next takes the nonce for its scripts from there; the root layout
 * reads `x-nonce`). Pages are rendered per request, so every answer gets its own nonce.
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
      // Not the API (next.config.ts gives it a policy of its own), nor static files, nor router prefetches.
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
