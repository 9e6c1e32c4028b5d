import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user: DefaultSession["user"] & { id: string };
  }

  interface User {
    /** The Session row created at sign-in (lib/db/sessions.ts). */
    sessionId?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    id?: string;
    /** The Session row this token belongs to: the token is refused once the row is gone. */
    sid?: string;
  }
}
