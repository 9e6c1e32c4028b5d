import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyPassword } from "@/lib/auth/password";
import { getAuthSecret } from "@/lib/auth/secret";
import { decodeSessionToken } from "@/lib/auth/session-token";
import { clientAddressFromHeaders } from "@/lib/api/client-address";
import { getUserCredentials, normaliseEmail } from "@/lib/db/users";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { countSignInAttempt, forgiveSignIn } from "@/lib/rate-limits";
import { signInSchema } from "@/lib/validation/auth";

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
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const email = normaliseEmail(parsed.data.email);
        const clientAddress = clientAddressFromHeaders(req?.headers ?? {});
        try {
          await countSignInAttempt(email, clientAddress);
          const user = await getUserCredentials(email);
          if (await verifyPassword(user?.passwordHash ?? null, parsed.data.password)) {
            await forgiveSignIn(email, clientAddress);
            return { id: user!.id, email: user!.email, name: user!.name };
          }
          return null;
        } catch (error) {
          // next-auth hands a thrown message to the sign-in form; only our own sentences may go there.
          if (isAppError(error)) throw new Error(error.message);
          throw new Error("Sign-in is unavailable right now. Please try again.");
        }
      },
    }),
  ],
  callbacks: {
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
