import "server-only";
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { cache } from "react";
import { appOrigin } from "@/lib/api/origin";
import { AppError } from "@/lib/errors";
import { authOptions } from "./options";
import { getAuthSecret } from "./secret";
import { decodeSessionToken } from "./session-token";

/** The one place pages and API routes learn who is signed in. */

/** For API routes: the signed-in user's id, or a 401. */
export async function requestUserId(request: NextRequest): Promise<string> {
  // next-auth names its cookie __Secure-… when the site is served over https (NEXTAUTH_URL, or the forwarded
  // protocol when it trusts the host); read the cookie it actually set.
  const secureCookie = appOrigin(request).startsWith("https://");
  const secret = getAuthSecret();
  // The usual case, one whole session cookie, is read directly (next-auth's cookie store showed in the list's
  // profile); a token split over several cookies, or sent as a Bearer header, goes through next-auth's getToken.
  const cookie = request.cookies.get(secureCookie ? "__Secure-next-auth.session-token" : "next-auth.session-token")?.value;
  const token = cookie
    ? await decodeSessionToken({ token: cookie, secret }).catch(() => null)
    : await getToken({ req: request, secret, decode: decodeSessionToken, secureCookie });
  const id = token?.id ?? token?.sub;
  if (!id) throw new AppError("unauthorized", "Sign in to continue.");
  return id;
}

/** For pages: the signed-in user for this request, read once however many layouts and pages ask. */
export const getPageUser = cache(async (): Promise<{ id: string; email: string } | null> => {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? { id: session.user.id, email: session.user.email ?? "" } : null;
});

/** For pages: the signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requirePageUser(returnTo: string): Promise<{ id: string; email: string }> {
  const user = await getPageUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
