import "server-only";
import { env } from "@/lib/env";
import { addressKey } from "@/lib/http/client-address";
import { waitInWords } from "@/lib/domain/durations";
import { consumePoint, type RateLimitState, refundPoint } from "@/lib/db/counters";
import { AppError } from "@/lib/errors";

/** How long a browser's device cookie lives (lib/auth/device-cookie.ts), and so its failures' window. */
export const DEVICE_LIFETIME_SECONDS = 180 * 24 * 60 * 60;

/**
 * The limits, in one place. Counters live in the database, so every app instance shares them. Per-account
 * limits are the tight ones; per-address limits are looser because many people can share one address (NAT).
 */
export const LIMITS = {
  /** Provider checks (saving with validation, testing) per user. */
  keyValidation: { points: env("RATE_LIMIT_VALIDATIONS_PER_MINUTE"), windowSeconds: 60 },
  /** Gateway requests (/api/v1) per access token. */
  gateway: { points: env("RATE_LIMIT_GATEWAY_PER_MINUTE"), windowSeconds: 60 },
  /** Playground answers (POST /api/chat) per user. */
  chats: { points: env("RATE_LIMIT_CHATS_PER_MINUTE"), windowSeconds: 60 },
  /** Failed sign-ins per email from browsers without a device cookie for it; successes do not count. */
  signInFailuresPerEmail: { points: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins from one browser's device cookie over the cookie's life: beyond, the cookie is void. */
  signInFailuresPerDevice: { points: 5, windowSeconds: DEVICE_LIFETIME_SECONDS },
  /** Failed sign-ins per client address, across emails. */
  signInFailuresPerAddress: { points: 50, windowSeconds: 15 * 60 },
  /** Wrong passwords given to change the password or delete the account, per user. */
  passwordChecks: { points: 10, windowSeconds: 15 * 60 },
  /** Accounts created per client address. */
  registration: { points: env("RATE_LIMIT_SIGNUPS_PER_HOUR"), windowSeconds: 60 * 60 },
} as const;

/**
 * The counters named after a user or their email, in one place: deleting an account deletes them with it
 * (accountCounterKeys), so a counter added here is one the account takes along. Per-address and per-device counters
 * name neither.
 */
const USER_COUNTERS = {
  validate: (userId: string) => `validate:${userId}`,
  chat: (userId: string) => `chat:${userId}`,
  password: (userId: string) => `password:${userId}`,
  signInEmail: (email: string) => `signin:email:${email}`,
} as const;

/** Every counter key that names this account (its id, its email as sign-in normalises it). */
export function accountCounterKeys(account: { id: string; email: string }): string[] {
  const { signInEmail, ...byId } = USER_COUNTERS;
  return [...Object.values(byId).map((key) => key(account.id)), signInEmail(account.email)];
}

type Counter = readonly [key: string, limit: { points: number; windowSeconds: number }];

async function consumeAll(counters: Counter[]): Promise<{ blocked: boolean; wait: number }> {
  const states = await Promise.all(counters.map(([key, limit]) => consumePoint(key, limit.windowSeconds)));
  const over = states.filter((s, i) => s.points > counters[i]![1].points);
  return { blocked: over.length > 0, wait: Math.max(0, ...over.map((s) => s.resetInSeconds)) };
}

const tooMany = (sentence: (waitSeconds: number) => string, wait: number) =>
  new AppError("rate_limited", sentence(wait), { retryAfter: wait });

/** Spends one point of `key`; over `limit`, throws a 429 with `sentence(wait)` and the wait as retryAfter. */
async function enforce(key: string, limit: Counter[1], sentence: (waitSeconds: number) => string): Promise<void> {
  const { blocked, wait } = await consumeAll([[key, limit]]);
  if (blocked) throw tooMany(sentence, wait);
}

export async function limitKeyValidation(userId: string): Promise<void> {
  const { points } = LIMITS.keyValidation;
  await enforce(
    USER_COUNTERS.validate(userId),
    LIMITS.keyValidation,
    (wait) => `Too many key checks. You can check ${points} keys a minute; try again in ${wait} s.`,
  );
}

/** The playground's limit per user: its point is spent by the answer's one statement (lib/db/chat-start.ts). */
export const chatCounter = (userId: string) => ({ key: USER_COUNTERS.chat(userId), ...LIMITS.chats });

/** A 429 when the point just spent took the user over the chat limit. */
export function assertWithinChatLimit(state: RateLimitState): void {
  const { points } = LIMITS.chats;
  if (state.points > points) {
    throw tooMany(
      (wait) => `Too many messages. You can send ${points} a minute; try again in ${wait} s.`,
      state.resetInSeconds,
    );
  }
}

export async function limitRegistration(clientAddress: string): Promise<void> {
  await enforce(
    `register:${addressKey(clientAddress)}`,
    LIMITS.registration,
    (wait) => `Too many new accounts from your network. Try again in ${waitInWords(wait)}.`,
  );
}

export interface SignInAttempt {
  email: string;
  clientAddress: string;
  /** The nonce of a valid device cookie for this email (lib/auth/device-cookie.ts), if the browser holds one. */
  deviceNonce: string | null;
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
    [USER_COUNTERS.signInEmail(attempt.email), LIMITS.signInFailuresPerEmail],
    [`signin:ip:${addressKey(attempt.clientAddress)}`, LIMITS.signInFailuresPerAddress],
  ];
  const { blocked, wait } = await consumeAll(unknownBrowser);
  if (blocked) {
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${waitInWords(wait)}.`, {
      retryAfter: wait,
    });
  }
  return unknownBrowser.map(([key]) => key);
}

/** Gives back the points of an attempt that turned out right: only failures count. */
export async function forgive(counted: string[]): Promise<void> {
  await Promise.all(counted.map((key) => refundPoint(key)));
}

/** Counts a check of a signed-in user's password (changing it, deleting the account) before it is made. */
export async function countPasswordCheck(userId: string): Promise<string[]> {
  const key = USER_COUNTERS.password(userId);
  await enforce(key, LIMITS.passwordChecks, (wait) => `Too many wrong passwords. Try again in ${waitInWords(wait)}.`);
  return [key];
}
