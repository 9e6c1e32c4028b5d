import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import { ownerForeignKeyError } from "./errors";
import { eventsFrom, eventType } from "./key-events";
import { userProviderSetting } from "./schema";
import { isUuid } from "./uuid";

/** A user's preferences for one provider (UserProviderSetting); no row: the defaults. */

/**
 * Sets whether requests fall through to the provider's next key ("Always use my first key" is false), in ONE
 * statement: an upsert, and a `fallback_changed` event when the setting differs from before (read under the row's
 * lock; no row counts as the default, on). The caller checks that the provider is one the user may see.
 */
export async function setProviderFallback(
  userId: string,
  providerId: string,
  fallback: boolean,
): Promise<{ providerId: string; fallback: boolean }> {
  if (!isUuid(userId) || !isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  try {
    const [row] = await withDb((db) => {
      // The previous setting, locked: read while the insert scans its source, before the row changes (a row this
      // statement has already updated can no longer be locked by it).
      const prev = db
        .$with("prev", {})
        .as(
          sql`select fallback from ${userProviderSetting} where "userId" = ${userId}::uuid and "providerId" = ${providerId}::uuid for update`,
        );
      const s = db.$with("s", {}).as(
        sql`insert into ${userProviderSetting} ("userId", "providerId", fallback)
          select ${userId}::uuid, ${providerId}::uuid, ${fallback}::boolean from (select 1) as one left join prev on true
          on conflict ("userId", "providerId") do update set fallback = excluded.fallback, "updatedAt" = now()
          returning "userId", "providerId", fallback`,
      );
      const changed = db
        .$with("changed", {
          userId: userProviderSetting.userId,
          providerId: userProviderSetting.providerId,
          fallback: userProviderSetting.fallback,
          was: sql<boolean>`was`.as("was"),
        })
        .as(
          sql`select s."userId", s."providerId", s.fallback, coalesce((select fallback from prev), true) as was from s`,
        );
      const e = eventsFrom(db, "e", changed, {
        userId: changed.userId,
        type: eventType("fallback_changed"),
        providerId: changed.providerId,
        detail: sql`jsonb_build_object('fallback', ${changed.fallback})`,
        when: sql`${changed.fallback} <> ${changed.was}`,
      });
      return db
        .with(prev, s, changed, e)
        .select({ providerId: changed.providerId, fallback: changed.fallback })
        .from(changed);
    });
    return row!;
  } catch (error) {
    throw ownerForeignKeyError(error);
  }
}

/** The providers whose user chose "Always use my first key" (for the settings page). */
export async function listFirstKeyOnly(userId: string): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const rows = await withDb((db) =>
    db
      .select({ providerId: userProviderSetting.providerId })
      .from(userProviderSetting)
      .where(and(eq(userProviderSetting.userId, userId), eq(userProviderSetting.fallback, false))),
  );
  return rows.map((r) => r.providerId);
}
