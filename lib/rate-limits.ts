import "server-only";
import { consumePoint, peekPoints } from "@/lib/db/rate-limit";
import { AppError } from "@/lib/errors";

/** The limits, in one place. Counters live in the database, so every app instance shares them. */
export const LIMITS = {
  /** Provider checks (saving with validation, testing) per user. */
  keyValidation: { points: Number(process.env.RATE_LIMIT_VALIDATIONS_PER_MINUTE ?? 20), windowSeconds: 60 },
  /** Failed sign-ins, counted per email and per client address; successes do not count. */
  signInFailures: { points: 10, windowSeconds: 15 * 60 },
  /** Accounts created per client address. */
  registration: { points: 20, windowSeconds: 60 * 60 },
} as const;

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m <= 1 ? "a minute" : `${m} minutes`;
}

export async function limitKeyValidation(userId: string): Promise<void> {
  const { points, windowSeconds } = LIMITS.keyValidation;
  const used = await consumePoint(`validate:${userId}`, windowSeconds);
  if (used.points > points) {
    throw new AppError(
      "rate_limited",
      `Too many key checks. You can check ${points} keys a minute; try again in ${used.resetInSeconds} s.`,
      { retryAfter: used.resetInSeconds },
    );
  }
}

export async function limitRegistration(clientAddress: string): Promise<void> {
  const { points, windowSeconds } = LIMITS.registration;
  const used = await consumePoint(`register:${clientAddress}`, windowSeconds);
  if (used.points > points) {
    throw new AppError("rate_limited", `Too many new accounts from your network. Try again in ${minutes(used.resetInSeconds)}.`, {
      retryAfter: used.resetInSeconds,
    });
  }
}

const signInKeys = (email: string, clientAddress: string) => [`signin:email:${email}`, `signin:ip:${clientAddress}`];

/** Throws when the email or the address has used up its failed attempts. */
export async function assertSignInAllowed(email: string, clientAddress: string): Promise<void> {
  const states = await Promise.all(signInKeys(email, clientAddress).map(peekPoints));
  const blocked = states.filter((s) => s && s.points >= LIMITS.signInFailures.points);
  if (blocked.length > 0) {
    const wait = Math.max(...blocked.map((s) => s!.resetInSeconds));
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${minutes(wait)}.`, {
      retryAfter: wait,
    });
  }
}

export async function recordSignInFailure(email: string, clientAddress: string): Promise<void> {
  await Promise.all(signInKeys(email, clientAddress).map((key) => consumePoint(key, LIMITS.signInFailures.windowSeconds)));
}
