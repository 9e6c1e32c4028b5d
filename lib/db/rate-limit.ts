import "server-only";
import { eq, lt, sql } from "drizzle-orm";
import { withDb } from "./client";
import { rateLimit } from "./schema";

export interface RateLimitState {
  /** Points used in the current window, this one included. */
  points: number;
  /** Seconds until the window resets. */
  resetInSeconds: number;
}

function state(row: { points: number; expiresAt: Date }): RateLimitState {
  return { points: row.points, resetInSeconds: Math.max(1, Math.ceil((row.expiresAt.getTime() - Date.now()) / 1000)) };
}

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
      .returning({ points: rateLimit.points, expiresAt: rateLimit.expiresAt }),
  );
  if (Math.random() < 0.01) void purgeExpired().catch(() => {});
  return state(row!);
}

/** The current window without consuming; null when none is open. */
export async function peekPoints(key: string): Promise<RateLimitState | null> {
  const [row] = await withDb((db) =>
    db
      .select({ points: rateLimit.points, expiresAt: rateLimit.expiresAt })
      .from(rateLimit)
      .where(eq(rateLimit.key, key)),
  );
  return row && row.expiresAt.getTime() > Date.now() ? state(row) : null;
}

async function purgeExpired(): Promise<void> {
  await withDb((db) => db.delete(rateLimit).where(lt(rateLimit.expiresAt, sql`now() - interval '1 hour'`)));
}
