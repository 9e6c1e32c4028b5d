import "server-only";
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { readCappedBody } from "@/lib/http/body";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { appOrigin } from "@/lib/http/origin";
import { toErrorResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";
import { deviceCookieName } from "@/lib/auth/device-cookie";
import { authOptions } from "@/lib/auth/options";
import { sameSitePath } from "@/lib/auth/redirect";
import { type AuthRequestContext, runWithAuthContext } from "@/lib/auth/request-context";

type Fields = Record<string, string>;

// next-auth's handler in its API-route form: (req, res), called without Next's route context.
const apiRouteHandler = NextAuth(authOptions) as unknown as (req: unknown, res: CollectedResponse) => Promise<void>;

/** The form or JSON body next-auth reads, read here under the same 16 KiB cap as every other route. */
async function readFields(request: NextRequest): Promise<Fields | undefined> {
  if (request.method !== "POST") return undefined;
  const text = (await readCappedBody(request)).toString("utf8");
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  if (!type.includes("application/json")) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  // next-auth treats every field as a string (callbackUrl.startsWith…): anything else is left out.
  const entries = data && typeof data === "object" ? Object.entries(data) : [];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * What a client may put where next-auth reads a return address (the query, the body, its callback-url cookie)
 * becomes a path of this site before next-auth sees it: next-auth refuses an invalid one with a 500 (a
 * "configuration" error), and the query's `error` goes unencoded into a Location header.
 */
function sanitise(input: { query: Fields; body?: Fields; cookies: Fields }, origin: string): void {
  const { query, body, cookies } = input;
  for (const holder of [query, body]) {
    if (holder?.callbackUrl !== undefined) holder.callbackUrl = sameSitePath(holder.callbackUrl, origin);
  }
  for (const name of CALLBACK_COOKIES) {
    if (cookies[name] !== undefined) cookies[name] = sameSitePath(cookies[name], origin);
  }
  if (query.error !== undefined) query.error = query.error.replace(CONTROL, "");
}

/** The small part of Node's ServerResponse that next-auth's API-route handler uses, collected into a Response. */
class CollectedResponse {
  private statusCode = 200;
  private readonly headers = new Headers();
  private body: BodyInit | null = null;

  status(code: number) {
    this.statusCode = code;
    return this;
  }
  getHeader(name: string) {
    return name.toLowerCase() === "set-cookie" ? this.headers.getSetCookie() : (this.headers.get(name) ?? undefined);
  }
  setHeader(name: string, value: string | string[]) {
    this.headers.delete(name);
    for (const item of Array.isArray(value) ? value : [value]) this.headers.append(name, item);
    return this;
  }
  json(data: unknown) {
    this.headers.set("content-type", "application/json");
    this.body = JSON.stringify(data);
  }
  send(data: unknown) {
    if (data !== null && typeof data === "object") return this.json(data);
    this.body = data === undefined ? null : String(data);
  }
  end() {}
  toResponse(): Response {
    return new Response(this.body, { status: this.statusCode, headers: this.headers });
  }
}

/**
 * The next-auth routes this app uses: next-auth/react's signIn (providers, csrf, the credentials callback, then the
 * session), the sign-out (csrf, signout), and the two pages next-auth's own redirects point at (signin, which
 * sends the browser to /login, and error). Everything else next-auth would answer is unused and answers 404: its
 * client logger (`_log`, which wrote whatever anyone posted into the server's log), session updates, its HTML
 * sign-out and verify-request pages, other providers' sign-ins and callbacks.
 */
const ROUTES_IN_USE = new Set([
  "GET csrf",
  "GET providers",
  "GET session",
  "GET signin",
  "GET error",
  "POST callback/credentials",
  "POST signout",
]);

function isRouteInUse(request: NextRequest): boolean {
  const method = request.method === "HEAD" ? "GET" : request.method;
  return ROUTES_IN_USE.has(`${method} ${request.nextUrl.pathname.split("/").slice(3).join("/")}`);
}

/**
 * Every next-auth route (app/api/auth/[...nextauth]/route.ts) goes through here. A route the app does not use is
 * a 404 before anything is read. The body is read at most 16 KiB (413 before anything larger is read whole), then
 * handed to next-auth's API-route form of the handler with the request's query, cookies and headers: that form
 * reads nothing else from Next, so this wrapper decides exactly what next-auth sees, and runs in tests as it runs
 * in the server. Anything thrown becomes a JSON answer.
 */
export async function handleNextAuth(request: NextRequest): Promise<Response> {
  try {
    if (!isRouteInUse(request)) throw new AppError("not_found", "There is nothing at this address.");
    return (await runNextAuth(request)).response;
  } catch (error) {
    return toErrorResponse(error, `${request.method} ${request.nextUrl.pathname}`);
  }
}

/**
 * next-auth's answer to a request, with the context it ran in (what its callbacks left there, e.g. why a sign-in
 * failed: lib/api/form-sign-in.ts reads it). Throws what the wrapper must answer instead.
 */
export async function runNextAuth(request: NextRequest): Promise<{ response: Response; context: AuthRequestContext }> {
  const body = await readFields(request);
  const query: Fields = Object.fromEntries(request.nextUrl.searchParams);
  const cookies: Fields = Object.fromEntries(request.cookies.getAll().map((c) => [c.name, c.value]));
  const origin = appOrigin(request);
  sanitise({ query, body, cookies }, origin);
  const nextauth = request.nextUrl.pathname.split("/").slice(3).filter(Boolean);
  // next-auth finds its own origin from these two when NEXTAUTH_URL is unset (development); Next's server sets
  // both, a request built by hand may not.
  const headers = {
    host: request.nextUrl.host,
    "x-forwarded-proto": request.nextUrl.protocol.slice(0, -1),
    ...Object.fromEntries(request.headers),
  };
  const req = { method: request.method, headers, query: { ...query, nextauth }, cookies, body };
  const res = new CollectedResponse();
  const secure = origin.startsWith("https://");
  const context: AuthRequestContext = {
    clientAddress: clientAddressFromHeaders(request.headers),
    deviceCookie: cookies[deviceCookieName(secure)],
    secure,
    setCookies: [],
  };
  await runWithAuthContext(context, () => apiRouteHandler(req, res));
  if (context.failure) throw context.failure;
  const response = res.toResponse();
  for (const cookie of context.setCookies) response.headers.append("set-cookie", cookie);
  return { response, context };
}
