import "server-only";
import { eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import { sqlState, UNIQUE_VIOLATION } from "./errors";
import { user } from "./schema";

export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Inserts a user; a taken email (any case) is `email_taken`, decided by the unique index, not a prior read. */
export async function createUser(input: { email: string; passwordHash: string; name?: string | null }): Promise<PublicUser> {
  try {
    const [row] = await withDb((db) =>
      db
        .insert(user)
        .values({ email: normaliseEmail(input.email), passwordHash: input.passwordHash, name: input.name ?? null })
        .returning({ id: user.id, email: user.email, name: user.name }),
    );
    return row!;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new AppError("email_taken", "An account with this email already exists.");
    }
    throw error;
  }
}

/** For sign-in only: the one place the password hash leaves the database. */
export async function getUserCredentials(email: string): Promise<(PublicUser & { passwordHash: string }) | null> {
  const [row] = await withDb((db) =>
    db
      .select({ id: user.id, email: user.email, name: user.name, passwordHash: user.passwordHash })
      .from(user)
      .where(eq(user.email, normaliseEmail(email))),
  );
  return row ?? null;
}
