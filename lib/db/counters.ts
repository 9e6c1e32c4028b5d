import "server-only";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { inBackground } from "@/lib/background";
import { withDb } from "./client";
import { rateLimit } from "./schema";

export interface RateLimitState {
  /** Points used in the current window, this one included. */
  points: number;
  /** Seconds until the window resets. */
  resetInSeconds: number;
}

// Measured on the database's clock, the same one that decides when a window expires.
const secondsLeft = sql<number>`greatest(1, ceil(extract(epoch from ${rateLimit.expiresAt} - now())))::int`;
const state = { points: rateLimit.points, resetInSeconds: secondsLeft };

/**
 * Adds a point to a fixed window in ONE atomic statement: a window that has expired restarts at 1. Every app
 * instance shares the table, so N instances together never allow more than the limit.
 */
export async function consumePoint(key: string, windowSeconds: number): Promise<RateLimitState> {
  const window = sql`now() + make_interval(secs => ${windowSeconds})`;
  const [row] = await withDb((db) =>
    db
      .insert(rateLimit)
      .values({ key, points: 1, expiresAt: window })
      .onConflictDoUpdate({
        target: rateLimit.key,
        set: {
          points: sql`case when ${rateLimit.expiresAt} <= now() then 1 else ${rateLimit.points} + 1 end`,
          expiresAt: sql`case when ${rateLimit.expiresAt} <= now() then ${window} else ${rateLimit.expiresAt} end`,
        },
      })
      .returning(state),
  );
  if (Math.random() < 0.01) inBackground(purgeExpired());
  return row!;
}

/** Gives a point back (an attempt that turned out not to count), in the window still open. */
export async function refundPoint(key: string): Promise<void> {
  await withDb((db) =>
    db
      .update(rateLimit)
      .set({ points: sql`greatest(${rateLimit.points} - 1, 0)` })
      .where(and(eq(rateLimit.key, key), gt(rateLimit.expiresAt, sql`now()`))),
  );
}

async function purgeExpired(): Promise<void> {
  await withDb((db) => db.delete(rateLimit).where(lt(rateLimit.expiresAt, sql`now() - interval '1 hour'`)));
}
