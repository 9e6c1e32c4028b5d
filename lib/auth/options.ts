import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authorizeCredentials } from "./credentials";
import { redirectAfterAuth } from "./redirect";
import { getAuthSecret } from "./secret";
import { decodeSessionToken } from "./session-token";

// Without NEXTAUTH_URL, next-auth v4 assumes http://localhost:3000; trusting the Host header instead keeps
// redirects right on any port. Set NEXTAUTH_URL in production to pin the public origin.
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

export const authOptions: NextAuthOptions = {
  // Read when a request needs it, not at import: `next build` imports this module without production secrets.
  get secret() {
    return getAuthSecret();
  },
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  // The same decoding for pages, the next-auth routes and the API guard (lib/auth/session.ts).
  jwt: { decode: decodeSessionToken },
  pages: { signIn: "/login" },
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
    jwt({ token, user }) {
      if (user) token.id = user.id;
      return token;
    },
    session({ session, token }) {
      if (session.user) session.user.id = (token.id as string | undefined) ?? token.sub ?? "";
      return session;
    },
  },
};
