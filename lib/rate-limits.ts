import "server-only";
import { addressKey } from "@/lib/api/client-address";
import { DEVICE_COOKIE_MAX_AGE } from "@/lib/auth/device-cookie";
import { waitInWords } from "@/lib/auth/form-errors";
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
  /** Playground answers (POST /api/chat) per user. */
  chats: { points: fromEnv("RATE_LIMIT_CHATS_PER_MINUTE", 30), windowSeconds: 60 },
  /** Failed sign-ins per email from browsers without a device cookie for it; successes do not count. */
  signInFailuresPerEmail: { points: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins from one browser's device cookie over the cookie's life: beyond, the cookie is void. */
  signInFailuresPerDevice: { points: 5, windowSeconds: DEVICE_COOKIE_MAX_AGE },
  /** Failed sign-ins per client address, across emails. */
  signInFailuresPerAddress: { points: 50, windowSeconds: 15 * 60 },
  /** Wrong passwords given to change the password or delete the account, per user. */
  passwordChecks: { points: 10, windowSeconds: 15 * 60 },
  /** Accounts created per client address. */
  registration: { points: fromEnv("RATE_LIMIT_SIGNUPS_PER_HOUR", 100), windowSeconds: 60 * 60 },
} as const;

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

export async function limitChats(userId: string): Promise<void> {
  const { points, windowSeconds } = LIMITS.chats;
  const used = await consumePoint(`chat:${userId}`, windowSeconds);
  if (used.points > points) {
    throw new AppError("rate_limited", `Too many messages. You can send ${points} a minute; try again in ${used.resetInSeconds} s.`, {
      retryAfter: used.resetInSeconds,
    });
  }
}

export async function limitRegistration(clientAddress: string): Promise<void> {
  const { points, windowSeconds } = LIMITS.registration;
  const used = await consumePoint(`register:${addressKey(clientAddress)}`, windowSeconds);
  if (used.points > points) {
    throw new AppError("rate_limited", `Too many new accounts from your network. Try again in ${waitInWords(used.resetInSeconds)}.`, {
      retryAfter: used.resetInSeconds,
    });
  }
}

type Counter = readonly [key: string, limit: { points: number; windowSeconds: number }];

export interface SignInAttempt {
  email: string;
  clientAddress: string;
  /** The nonce of a valid device cookie for this email (lib/auth/device-cookie.ts), if the browser holds one. */
  deviceNonce: string | null;
}

async function consumeAll(counters: Counter[]): Promise<{ blocked: boolean; wait: number }> {
  const states = await Promise.all(counters.map(([key, limit]) => consumePoint(key, limit.windowSeconds)));
  const over = states.filter((s, i) => s.points > counters[i]![1].points);
  return { blocked: over.length > 0, wait: Math.max(0, ...over.map((s) => s.resetInSeconds)) };
}

/**
 * Counts a sign-in attempt BEFORE the password is checked, atomically, so a burst of parallel guesses cannot all
 * slip through before the first failure is recorded. A browser with a valid device cookie spends that cookie's
 * budget (5 failures void it: the browser is then unknown again); any other attempt spends the account's and the
 * address's, so a stranger's failures never lock the owner out of a browser they used before. Throws when
 * locked; returns the counters spent, for `forgive` when the password was right (only failures count).
 */
export async function countSignInAttempt(attempt: SignInAttempt): Promise<string[]> {
  if (attempt.deviceNonce) {
    const device: Counter[] = [[`signin:device:${attempt.deviceNonce}`, LIMITS.signInFailuresPerDevice]];
    if (!(await consumeAll(device)).blocked) return device.map(([key]) => key);
  }
  const unknownBrowser: Counter[] = [
    [`signin:email:${attempt.email}`, LIMITS.signInFailuresPerEmail],
    [`signin:ip:${addressKey(attempt.clientAddress)}`, LIMITS.signInFailuresPerAddress],
  ];
  const { blocked, wait } = await consumeAll(unknownBrowser);
  if (blocked) {
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${waitInWords(wait)}.`, { retryAfter: wait });
  }
  return unknownBrowser.map(([key]) => key);
}

/** Gives back the points of an attempt that turned out right: only failures count. */
export async function forgive(counted: string[]): Promise<void> {
  await Promise.all(counted.map((key) => refundPoint(key)));
}

/** Counts a check of a signed-in user's password (changing it, deleting the account) before it is made. */
export async function countPasswordCheck(userId: string): Promise<string[]> {
  const counters: Counter[] = [[`password:${userId}`, LIMITS.passwordChecks]];
  const { blocked, wait } = await consumeAll(counters);
  if (blocked) throw new AppError("rate_limited", `Too many wrong passwords. Try again in ${waitInWords(wait)}.`, { retryAfter: wait });
  return counters.map(([key]) => key);
}
