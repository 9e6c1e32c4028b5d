import "server-only";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { withDb } from "./client";
import type { Database } from "./types";
import { ownerForeignKeyError } from "./errors";
import { detailOf, eventsFrom, eventTypeWhen } from "./key-events";
import { DEFAULT_KEY_LABEL, type KeyHealth } from "../domain/key-facts";
import { type ApiKeyRecord, keyLimit, lockedKeys, pickRecord, retryingPositionClash, writtenColumns } from "./key-rows";
import { userApiKey } from "./schema";
import { isUuid } from "./uuid";

/**
 * Saving a key (lib/keys/vault.ts): create or replace one, by its label or as the provider's primary, in one
 * statement with its event. The other writes by provider are in user-api-keys.ts.
 */

/** What lib/keys hands over to store: the envelope, the key id that sealed it, and the mask. */
export interface SealedApiKey {
  encryptedKey: string;
  keyId: string;
  keyHint: string;
}

/** What the provider said when the key was checked before saving; none when the check was skipped. */
export interface SaveCheck {
  health: Extract<KeyHealth, "ok" | "limited">;
  message: string;
}

/** Where a save goes: the key with this label (created last when new), or, without one, the provider's primary. */
export interface SaveTarget {
  label?: string;
  /** Set on the saved key; undefined leaves a replaced key's expiry as it was. */
  expiresAt?: Date | null;
}

/**
 * Creates or replaces a key in ONE statement (INSERT … ON CONFLICT on the case-insensitive label index, with its
 * `key_created` or `key_replaced` event): with a label, the key of that label (any case), a new one going last;
 * without, the provider's primary key (a first key is "Default"). Concurrent saves of one label make one row. A
 * provider already holding MAX_KEYS_PER_PROVIDER keys takes no new one: null. Re-saving a key enables it again;
 * its health is what the check said.
 */
export async function upsertUserApiKey(
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  check: SaveCheck | null,
  target: SaveTarget = {},
): Promise<ApiKeyRecord | null> {
  if (!isUuid(providerId)) throw new AppError("provider_not_found", "There is no such provider.");
  if (!isUuid(userId)) throw new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
  try {
    const [row] = await retryingPositionClash(() =>
      withDb((db) => upsertStatement(db, userId, providerId, sealed, check, target)),
    );
    return row ?? null;
  } catch (error) {
    throw ownerForeignKeyError(error);
  }
}

/** The save's one statement: the locked keys, what the save proposes, the gap healed, the upsert and its event. */
function upsertStatement(
  db: Database,
  userId: string,
  providerId: string,
  sealed: SealedApiKey,
  check: SaveCheck | null,
  target: SaveTarget,
) {
  const checkedAt = check ? sql`now()` : sql`null::timestamptz`;
  const health = check?.health ?? ("unchecked" as KeyHealth);
  const expiresAt =
    target.expiresAt === undefined
      ? sql`null::timestamptz`
      : sql`${target.expiresAt?.toISOString() ?? null}::timestamptz`;
  const label =
    target.label === undefined
      ? sql`coalesce((select label from locked order by position, id limit 1), ${DEFAULT_KEY_LABEL}::text)`
      : sql`${target.label}::text`;
  // Top-level CTEs (a data-modifying one cannot nest): the locked keys, what the save proposes, the gap
  // healed, the upsert.
  const locked = db.$with("locked", {}).as(lockedKeys(userId, providerId));
  const proposed = db.$with("proposed", {}).as(
    sql`select l.label, (select count(*)::int from locked) as n,
            exists (select 1 from locked where lower(locked.label) = lower(l.label)) as taken
            from (select ${label} as label) as l`,
  );
  // A key added by a writer that another writer's renumbering could not see (it committed after that
  // statement began) can leave a gap; a new key's save closes it, renumbering the locked keys 0..n-1, so
  // that the new key at n never meets a stale position again.
  const healed = db.$with("healed", {}).as(
    sql`update ${userApiKey} as u set position = r.position
            from (select id, row_number() over (order by position, id) - 1 as position from locked) as r
            where u.id = r.id and u.position <> r.position and not (select taken from proposed)`,
  );
  const k = db.$with("k", { ...writtenColumns, inserted: sql<boolean>`inserted`.as("inserted") }).as(
    sql`insert into ${userApiKey} ("userId", "providerId", label, position, "encryptedKey", "keyId", "keyHint", "isEnabled",
            "lastValidatedAt", health, "healthMessage", "healthCheckedAt", "recheckLeaseUntil", "expiresAt")
          select ${userId}::uuid, ${providerId}::uuid, p.label, case when p.taken then 0 else p.n end, ${sealed.encryptedKey},
            ${sealed.keyId}, ${sealed.keyHint}, true, ${checkedAt}, ${health}::text, ${check?.message ?? null}::text, ${checkedAt},
            null, ${expiresAt}
          from proposed as p where p.taken or p.n < ${keyLimit}
          on conflict ("userId", "providerId", lower(label)) do update set
            "encryptedKey" = excluded."encryptedKey", "keyId" = excluded."keyId", "keyHint" = excluded."keyHint",
            "isEnabled" = true, "lastValidatedAt" = excluded."lastValidatedAt", health = excluded.health,
            "healthMessage" = excluded."healthMessage", "healthCheckedAt" = excluded."healthCheckedAt",
            "recheckLeaseUntil" = null, "updatedAt" = now()${target.expiresAt === undefined ? sql`` : sql`, "expiresAt" = excluded."expiresAt"`}
          returning *, (xmax = 0) as inserted`,
  );
  // xmax is 0 on a row this statement inserted, the updating transaction's id on one it replaced.
  const e = eventsFrom(db, "e", k, {
    userId: k.userId,
    type: eventTypeWhen(sql`${k.inserted}`, "key_created", "key_replaced"),
    providerId: k.providerId,
    detail: sql`${detailOf({ checked: check !== null, health })} || jsonb_build_object('label', ${k.label})`,
  });
  return db.with(locked, proposed, healed, k, e).select(pickRecord(k)).from(k);
}
