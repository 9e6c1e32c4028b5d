import { env } from "../env";
/**
 * The security headers of pages (proxy.ts), of API answers (next.config.ts), and HSTS on every answer
 * (lib/http/site-headers.ts, besides proxy.ts for pages). Pages get a Content-Security-
 * Policy with a nonce per request: Next puts it on its own scripts (it reads it from the request's policy), the
 * root layout on the theme's inline script (lib/theme.ts); 'strict-dynamic' lets those scripts load the chunks they need, and
 * nothing else runs. Styles allow 'unsafe-inline': React writes style attributes (Radix, sonner), which a nonce
 * cannot cover; the contract forbids it for scripts only.
 */

/** 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

const isHttps = () => env("NEXTAUTH_URL")?.startsWith("https://") ?? false;

/** The site's own origin (NEXTAUTH_URL), when set and sound. */
function siteOrigin(): string | null {
  const url = env("NEXTAUTH_URL");
  if (!url || !URL.canParse(url)) return null;
  const { origin } = new URL(url);
  return origin === "null" ? null : origin;
}

export function pagePolicy(nonce: string): string {
  // React's development build reconstructs server stacks with eval; production never needs it.
  const devEval = env("NODE_ENV") === "development" ? " 'unsafe-eval'" : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${devEval}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // A form's answer may send the browser to the site's own address (lib/api/form-sign-in.ts, a sign-in posted
    // from another address of this server); form-action also governs where such a redirect may go.
    `form-action 'self'${siteOrigin() ? ` ${siteOrigin()}` : ""}`,
    "frame-ancestors 'none'",
    ...(isHttps() ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** JSON answers run nothing; next-auth's rare HTML pages (its error page) carry inline styles only. */
export const API_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** Headers every answer of the site carries (next.config.ts sets them). */
export const SITE_HEADERS: readonly (readonly [string, string])[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
];

/** An API answer's: the site's and the API's policy (next.config.ts for Next's routes, lib/gateway/entry.ts for its own). */
export const API_HEADERS: readonly (readonly [string, string])[] = [
  ...SITE_HEADERS,
  ["Content-Security-Policy", API_POLICY],
];

/** HSTS when the site's public URL (NEXTAUTH_URL) is https: two years, subdomains included. */
export function strictTransportSecurity(): string | null {
  return isHttps() ? "max-age=63072000; includeSubDomains" : null;
}
