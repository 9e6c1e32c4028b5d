import "server-only";
import { getToken } from "next-auth/jwt";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NextRequest } from "next/server";
import { cache } from "react";
import { appOrigin, appOriginOf } from "@/lib/http/origin";
import { isSessionLive } from "@/lib/db/sessions";
import { AppError } from "@/lib/errors";
import { getAuthSecret } from "./secret";
import { decodeSessionToken } from "./session-token";

/** The one place pages and API routes learn who is signed in. */

export interface RequestSession {
  userId: string;
  /** The Session row the token names (lib/db/sessions.ts). */
  sessionId: string;
  email: string;
}

/**
 * The session a request's cookie claims: decoded and verified, not yet checked against the Session table. next-auth
 * names its cookie __Secure-… when the site is served over https (NEXTAUTH_URL, or the forwarded protocol when it
 * trusts the host); read the cookie it actually set. A token without a session id is from before sessions ended
 * on the server: it names none.
 */
async function claimedSession(request: NextRequest): Promise<RequestSession | null> {
  const secureCookie = appOrigin(request).startsWith("https://");
  const secret = getAuthSecret();
  // The usual case, one whole session cookie, is read directly (next-auth's cookie store showed in the list's
  // profile); a token split over several cookies, or sent as a Bearer header, goes through next-auth's getToken.
  const cookie = request.cookies.get(
    secureCookie ? "__Secure-next-auth.session-token" : "next-auth.session-token",
  )?.value;
  const token = cookie
    ? await decodeSessionToken({ token: cookie, secret }).catch(() => null)
    : await getToken({ req: request, secret, decode: decodeSessionToken, secureCookie });
  const userId = token?.id ?? token?.sub;
  if (!userId || !token?.sid) return null;
  return { userId, sessionId: token.sid, email: token.email ?? "" };
}

/** The 401 of a request whose session is missing, ended or expired. */
export const sessionEnded = () => new AppError("unauthorized", "Sign in to continue.");

/**
 * For API routes: the session the cookie claims, or a 401. The guard (lib/api/handler.ts) then checks it is live
 * with `assertLiveSession`, unless the route's one statement does (the key list).
 */
export async function requestSession(request: NextRequest): Promise<RequestSession> {
  const session = await claimedSession(request);
  if (!session) throw sessionEnded();
  return session;
}

/** A 401 when the session was ended (signed out, signed out everywhere, password changed) or has expired. */
export async function assertLiveSession(session: RequestSession): Promise<void> {
  if (!(await isSessionLive(session.userId, session.sessionId))) throw sessionEnded();
}

/** For pages: the signed-in user for this request, read once however many layouts and pages ask. */
export const getPageUser = cache(async (): Promise<{ id: string; email: string; sessionId: string } | null> => {
  const requestHeaders = new Headers(await headers());
  const session = await claimedSession(new NextRequest(`${appOriginOf(requestHeaders)}/`, { headers: requestHeaders }));
  if (!session || !(await isSessionLive(session.userId, session.sessionId))) return null;
  return { id: session.userId, email: session.email, sessionId: session.sessionId };
});

/** For pages: the signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requirePageUser(returnTo: string): Promise<{ id: string; email: string; sessionId: string }> {
  const user = await getPageUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
