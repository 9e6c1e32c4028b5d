import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** The app's own origin: NEXTAUTH_URL when set, else what the request was addressed to (as next-auth sees it). */
export function appOrigin(request: Request): string {
  return appOriginOf(request.headers, new URL(request.url));
}

/** The same from a request's headers alone (pages read them through next/headers). */
export function appOriginOf(headers: Headers, url?: URL): string {
  const site = env("NEXTAUTH_URL");
  if (site) return new URL(site).origin;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? url?.host ?? "localhost";
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url?.protocol.replace(":", "") ?? "http";
  return `${proto}://${host}`;
}

/**
 * Refuses state changes from other sites. Browsers send Origin on every cross-origin request (and Sec-Fetch-Site
 * on modern ones); a request with neither comes from a non-browser client, which CSRF cannot use.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const crossSite = origin !== null ? origin !== appOrigin(request) : site === "cross-site";
  if (crossSite) {
    throw new AppError("cross_origin", "Requests from other sites cannot change your keys.");
  }
}
