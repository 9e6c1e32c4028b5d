import "server-only";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { userApiKey, userProviderSetting } from "./schema";
import { isUuid } from "./uuid";

/** The envelopes lib/keys opens: one key's (to test it), the primary's, and the keys a request may use, in order. */

const ownedBy = (userId: string, providerId: string) =>
  and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId));

/** A stored envelope, for lib/keys to open. */
export interface SealedRow {
  id: string;
  providerId: string;
  label: string;
  /** The key's mask, computed when it was saved. */
  keyHint: string;
  encryptedKey: string;
  isEnabled: boolean;
  expiresAt: Date | null;
}

const sealedColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  label: userApiKey.label,
  keyHint: userApiKey.keyHint,
  encryptedKey: userApiKey.encryptedKey,
  isEnabled: userApiKey.isEnabled,
  expiresAt: userApiKey.expiresAt,
};

/** The provider's primary key's envelope. Null when there is no key. */
export async function getSealedUserApiKey(userId: string, providerId: string): Promise<SealedRow | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const [row] = await withDb((db) =>
    db
      .select(sealedColumns)
      .from(userApiKey)
      .where(ownedBy(userId, providerId))
      .orderBy(asc(userApiKey.position), asc(userApiKey.id))
      .limit(1),
  );
  return row ?? null;
}

/** One key's envelope by its id, only the user's own. Null when there is no such key of theirs. */
export async function getSealedUserApiKeyById(userId: string, id: string): Promise<SealedRow | null> {
  if (!isUuid(userId) || !isUuid(id)) return null;
  const [row] = await withDb((db) =>
    db
      .select(sealedColumns)
      .from(userApiKey)
      .where(and(eq(userApiKey.userId, userId), eq(userApiKey.id, id))),
  );
  return row ?? null;
}

/** A key a request may use: its envelope, and what the answer names it by. */
export interface KeyForRequest {
  id: string;
  label: string;
  keyHint: string;
  encryptedKey: string;
}

/**
 * The CTEs `setting`, `usable` and `stamped`: the provider's enabled, unexpired keys in order (`place` from 1),
 * each with the user's fallback setting, and `lastUsedAt` stamped on the first (the one a request nearly always
 * uses; `stampKeyUse` marks another that served) when `stampWhen` holds. The keys a request may use are
 * `select … from usable where fallback or place = 1` (only the first when the user turned fallback off).
 * Used by usableSealedKeys below and by the playground's one statement (lib/db/chat-start.ts).
 */
export function usableKeysCtes(userId: string, providerId: SQL, stampWhen: SQL): SQL {
  return sql`setting as (
      select coalesce((select fallback from ${userProviderSetting} where "userId" = ${userId}::uuid and "providerId" = ${providerId}), true) as fallback
    ),
    usable as (
      select k.id, k.label, k."keyHint", k."encryptedKey", s.fallback, row_number() over (order by k.position, k.id) as place
      from ${userApiKey} as k, setting as s
      where k."userId" = ${userId}::uuid and k."providerId" = ${providerId} and k."isEnabled"
        and (k."expiresAt" is null or k."expiresAt" > now())
    ),
    stamped as (update ${userApiKey} set "lastUsedAt" = now() where ${stampWhen} and id = (select id from usable where place = 1))`;
}

/**
 * For a request to the provider, in ONE statement: its usable keys in order (usableKeysCtes), `lastUsedAt`
 * stamped on the first unless `stamp` is false (a models list is not a use).
 */
export async function usableSealedKeys(
  userId: string,
  providerId: string,
  options: { stamp?: boolean } = {},
): Promise<KeyForRequest[]> {
  const stamp = options.stamp ?? true;
  if (!isUuid(userId) || !isUuid(providerId)) return [];
  return rowsOf<KeyForRequest>(
    await withDb((db) =>
      db.execute(sql`with ${usableKeysCtes(userId, sql`${providerId}::uuid`, sql`${stamp}::boolean`)}
        select id, label, "keyHint", "encryptedKey" from usable where fallback or place = 1 order by place`),
    ),
  );
}

/** Stamps `lastUsedAt` on a key that served a request (the user's own only). */
export async function stampKeyUse(userId: string, id: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(id)) return;
  await withDb((db) =>
    db
      .update(userApiKey)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(userApiKey.userId, userId), eq(userApiKey.id, id))),
  );
}
