import "server-only";
import { env, exportToProcessEnv, isProduction } from "@/lib/env";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { isSessionLive, revokeSession } from "@/lib/db/sessions";
import { log } from "@/lib/log";
import { authorizeCredentials } from "./credentials";
import { redirectAfterAuth } from "./redirect";
import { authContext } from "./request-context";
import { getAuthSecret } from "./secret";
import { SESSION_MAX_AGE } from "./session-age";
import { decodeSessionToken } from "./session-token";

// Without NEXTAUTH_URL, next-auth v4 assumes http://localhost:3000; in development, trusting the Host header
// instead keeps redirects right on any port. Production refuses to start without NEXTAUTH_URL (lib/startup.ts).
if (!env("NEXTAUTH_URL") && !isProduction()) exportToProcessEnv("AUTH_TRUST_HOST", "true", { keep: true });

export const authOptions: NextAuthOptions = {
  // Read when a request needs it, not at import: `next build` imports this module without production secrets.
  get secret() {
    return getAuthSecret();
  },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
  // The same decoding for pages, the next-auth routes and the API guard (lib/auth/session.ts).
  jwt: { decode: decodeSessionToken },
  pages: { signIn: "/login" },
  // next-auth's own messages go to the one logger as JSON lines: its code and the error's message only (its
  // metadata can carry the request's details).
  logger: {
    error: (code, metadata) => {
      const error = metadata instanceof Error ? metadata : metadata.error;
      log.error({ scope: "next-auth", code }, error?.message ?? code);
    },
    warn: (code) => log.warn({ scope: "next-auth", code }, code),
    debug: (code) => log.debug({ scope: "next-auth", code }, code),
  },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      authorize: (credentials) => authorizeCredentials(credentials),
    }),
  ],
  callbacks: {
    redirect: redirectAfterAuth,
    // At sign-in the token takes the user and the session row authorize() created; afterwards (next-auth's own
    // /api/auth/session) a token whose row is gone is refused, and next-auth clears its cookie.
    async jwt({ token, user }) {
      if (user) return { ...token, id: user.id, sid: user.sessionId };
      if (!token.id || !token.sid || !(await isSessionLive(token.id, token.sid)))
        throw new Error("This session has ended.");
      return token;
    },
    session({ session, token }) {
      if (session.user) session.user.id = (token.id as string | undefined) ?? token.sub ?? "";
      return session;
    },
  },
  events: {
    // The session must end on the server, or sign-out has not happened: a failure is answered (503, the browser
    // keeps its cookie and can try again) instead of the signed-out answer next-auth would give regardless.
    async signOut({ token }) {
      if (!token?.id || !token.sid) return;
      try {
        await revokeSession(token.id, token.sid);
      } catch (error) {
        authContext().failure = error;
      }
    },
  },
};
