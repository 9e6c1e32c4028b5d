import "server-only";
import { addressKey } from "@/lib/api/client-address";
import { consumePoint, refundPoint } from "@/lib/db/counters";
import { AppError } from "@/lib/errors";

const fromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/**
 * The limits, in one place. Counters live in the database, so every app instance shares them. Per-account
 * limits are the tight ones; per-address limits are looser because many people can share one address (NAT).
 */
export const LIMITS = {
  /** Provider checks (saving with validation, testing) per user. */
  keyValidation: { points: fromEnv("RATE_LIMIT_VALIDATIONS_PER_MINUTE", 20), windowSeconds: 60 },
  /** Failed sign-ins per email; successes do not count. */
  signInFailuresPerEmail: { points: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins per client address, across emails. */
  signInFailuresPerAddress: { points: 50, windowSeconds: 15 * 60 },
  /** Accounts created per client address. */
  registration: { points: fromEnv("RATE_LIMIT_SIGNUPS_PER_HOUR", 100), windowSeconds: 60 * 60 },
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
  const used = await consumePoint(`register:${addressKey(clientAddress)}`, windowSeconds);
  if (used.points > points) {
    throw new AppError("rate_limited", `Too many new accounts from your network. Try again in ${minutes(used.resetInSeconds)}.`, {
      retryAfter: used.resetInSeconds,
    });
  }
}

const signInCounters = (email: string, clientAddress: string) =>
  [
    [`signin:email:${email}`, LIMITS.signInFailuresPerEmail],
    [`signin:ip:${addressKey(clientAddress)}`, LIMITS.signInFailuresPerAddress],
  ] as const;

/**
 * Counts a sign-in attempt BEFORE the password is checked, atomically, so a burst of parallel guesses cannot all
 * slip through before the first failure is recorded. Throws when the email or the address is locked. The caller
 * gives the point back with `forgiveSignIn` when the password was right: only failures count.
 */
export async function countSignInAttempt(email: string, clientAddress: string): Promise<void> {
  const counters = signInCounters(email, clientAddress);
  const states = await Promise.all(counters.map(([key, limit]) => consumePoint(key, limit.windowSeconds)));
  const blocked = states.filter((s, i) => s.points > counters[i]![1].points);
  if (blocked.length > 0) {
    const wait = Math.max(...blocked.map((s) => s.resetInSeconds));
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${minutes(wait)}.`, {
      retryAfter: wait,
    });
  }
}

export async function forgiveSignIn(email: string, clientAddress: string): Promise<void> {
  await Promise.all(signInCounters(email, clientAddress).map(([key]) => refundPoint(key)));
}
