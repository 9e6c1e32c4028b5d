import "server-only";
import { env } from "@/lib/env";
import { NextRequest } from "next/server";
import { readCappedBody, refuseNul } from "@/lib/http/body";
import { appOrigin, assertSameOrigin } from "@/lib/http/origin";
import { safeReturnPath } from "@/lib/domain/safe-redirect";
import { AppError, isAppError } from "@/lib/errors";
import { logFailure } from "@/lib/failure-log";
import { type AuthPage, authPagePath } from "@/lib/auth/form-errors";
import { runNextAuth } from "@/lib/api/next-auth-route";
import { sameSitePath } from "@/lib/auth/redirect";

/**
 * The sign-in, sign-up and sign-out forms work before (or without) JavaScript: they are real `method="post"`
 * forms whose action is a route of ours (app/api/auth/login, logout, and app/api/auth/register for a form post),
 * answered with a 303 to a page, so the email and the password travel in a POST body only, never in a URL. With
 * JavaScript the forms post as before (components/auth, lib/client/sign-out.ts).
 *
 * They go through next-auth itself, as the browser would: its CSRF token (GET /api/auth/csrf), then its
 * credentials callback or sign-out, both through the wrapper every next-auth route uses
 * (lib/api/next-auth-route.ts), so the body limit, the return-path sanitiser, the rate limits and lockouts, the
 * session row and the device cookie are the same ones. The CSRF token a page would have to render is fetched
 * here instead: the pages, server components, cannot set its cookie. These routes' own protection against
 * cross-site posts is the Origin check every state-changing API route makes (lib/http/origin.ts).
 */

type Fields = Record<string, string>;

/** Whether the body is an HTML form's (urlencoded), not JSON. */
export function isFormPost(request: Request): boolean {
  return (
    request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded"
  );
}

/** The fields of a form post from this site: urlencoded, at most 16 KiB, without a NUL character (invalid_body). */
export async function readAuthForm(request: NextRequest): Promise<Fields> {
  assertSameOrigin(request);
  if (!isFormPost(request))
    throw new AppError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
  const fields = Object.fromEntries(new URLSearchParams((await readCappedBody(request)).toString("utf8")));
  refuseNul("invalid_body", fields);
  return fields;
}

/** The path a form asks to return to after signing in: a path of this site, else /settings. */
export const formReturnPath = (fields: Fields) => safeReturnPath(fields.callbackUrl);

/** A 303 See Other (the browser follows it with a GET) to a path of this site, with cookies to set. */
export function seeOther(path: string, setCookies: readonly string[] = []): Response {
  const headers = new Headers({ location: path, "cache-control": "no-store" });
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}

/**
 * Back to the form's page with the code of what went wrong (`CredentialsSignin`: a wrong email or password);
 * anything that is not one of our errors is logged and stays generic there.
 */
export function backToForm(
  page: AuthPage,
  error: unknown,
  callbackUrl: string,
  setCookies: readonly string[] = [],
): Response {
  if (error === "CredentialsSignin") return seeOther(authPagePath(page, { error, callbackUrl }), setCookies);
  logFailure("auth-form", `the form of ${page}`, error);
  const known = isAppError(error) ? error : undefined;
  return seeOther(
    authPagePath(page, { error: known?.code ?? "internal_error", retryAfter: known?.retryAfter, callbackUrl }),
    setCookies,
  );
}

/**
 * A form refused as cross-site because it was posted from another address of this same server (opened at
 * http://127.0.0.1:3000 while NEXTAUTH_URL is http://localhost:3000: the browser sent the Origin it was served
 * at, which is not the site's): the browser goes to the same form at the site's own address, where it can be sent,
 * and the page says why. Nothing is signed in or created. Null for anything else, a post from another site first.
 */
export function formAtSiteAddress(request: Request, page: AuthPage, error: unknown): Response | null {
  const site = env("NEXTAUTH_URL");
  const origin = request.headers.get("origin");
  if (!site || !origin || !isAppError(error) || error.code !== "cross_origin") return null;
  const url = new URL(request.url);
  const addressed = `${url.protocol}//${request.headers.get("host") ?? url.host}`;
  if (origin !== addressed) return null;
  return seeOther(new URL(authPagePath(page, { error: "other_address", callbackUrl: "/settings" }), site).toString());
}

export type FormSignIn =
  | { signedIn: true; location: string; setCookies: string[] }
  /** `error`: "CredentialsSignin" (a wrong email or password), our AppError (a lockout…), or what else went wrong. */
  | { signedIn: false; error: unknown; setCookies: string[] };

/** The `name=value` pairs of Set-Cookie lines, as the browser would send them back. */
function cookiePairs(lines: string[]): Fields {
  return Object.fromEntries(
    lines.map((line) => {
      const pair = line.split(";")[0]!;
      const at = pair.indexOf("=");
      return [pair.slice(0, at).trim(), pair.slice(at + 1)];
    }),
  );
}

/** A request to one of next-auth's routes, made from the form's request: same client headers, the given cookies. */
function nextAuthRequest(request: NextRequest, path: string, cookies: Fields, form?: URLSearchParams): NextRequest {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.delete("content-type");
  headers.set(
    "cookie",
    Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; "),
  );
  if (form) headers.set("content-type", "application/x-www-form-urlencoded");
  return new NextRequest(new URL(path, request.url), {
    method: form ? "POST" : "GET",
    headers,
    body: form?.toString(),
  });
}

const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token$/;

/** next-auth's CSRF token for the browser of `request`: the token, its Set-Cookie lines, and the cookies to send. */
async function csrfFor(request: NextRequest) {
  const browser: Fields = Object.fromEntries(request.cookies.getAll().map((c) => [c.name, c.value]));
  const csrf = (await runNextAuth(nextAuthRequest(request, "/api/auth/csrf", browser))).response;
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const setCookies = csrf.headers.getSetCookie();
  return { csrfToken, setCookies, jar: { ...browser, ...cookiePairs(setCookies) } };
}

/** Signs in through next-auth's credentials callback; the cookies it set go back to the browser either way. */
export async function signInWithForm(
  request: NextRequest,
  credentials: { email: string; password: string; callbackUrl: string },
): Promise<FormSignIn> {
  const csrf = await csrfFor(request);
  const form = new URLSearchParams({ csrfToken: csrf.csrfToken, ...credentials });
  const { response, context } = await runNextAuth(
    nextAuthRequest(request, "/api/auth/callback/credentials", csrf.jar, form),
  );
  const setCookies = [...csrf.setCookies, ...response.headers.getSetCookie()];
  const signedIn = Object.entries(cookiePairs(response.headers.getSetCookie())).some(
    ([name, value]) => SESSION_COOKIE.test(name) && value !== "",
  );
  const location = response.headers.get("location") ?? "";
  if (signedIn && !context.signInFailure)
    return { signedIn: true, location: sameSitePath(location, appOrigin(request)), setCookies };
  if (context.signInFailure) return { signedIn: false, error: context.signInFailure, setCookies };
  const refused = location.includes("error=CredentialsSignin");
  return {
    signedIn: false,
    error: refused ? "CredentialsSignin" : new Error(`next-auth answered ${response.status} ${location}`),
    setCookies,
  };
}

/**
 * Signs out through next-auth's CSRF token and sign-out route, with the browser's cookies: the Session row ends
 * (lib/auth/options.ts events.signOut; a failure to end it is thrown, the browser keeps its cookie), and the
 * browser goes to /login, which says it signed out, with next-auth's cookie-clearing Set-Cookie lines.
 */
export async function signOutWithForm(request: NextRequest): Promise<Response> {
  const csrf = await csrfFor(request);
  const form = new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl: "/login" });
  const { response } = await runNextAuth(nextAuthRequest(request, "/api/auth/signout", csrf.jar, form));
  return seeOther("/login?signedOut=1", [...csrf.setCookies, ...response.headers.getSetCookie()]);
}
