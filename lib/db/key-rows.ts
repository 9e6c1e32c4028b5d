import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { constraintName, sqlState, UNIQUE_VIOLATION } from "./errors";
import { MAX_KEYS_PER_PROVIDER } from "../domain/key-facts";
import { userApiKey, type UserApiKeyRow } from "./schema";

/**
 * What the UserApiKey modules (user-api-keys.ts, user-api-keys-by-id.ts) share: the record's columns, and the
 * rules every write of a provider's several keys follows: lock them in id order, recompute positions from the
 * locked rows, run again a statement that lost a race on a position.
 */

export const recordColumns = {
  id: userApiKey.id,
  providerId: userApiKey.providerId,
  label: userApiKey.label,
  position: userApiKey.position,
  expiresAt: userApiKey.expiresAt,
  keyHint: userApiKey.keyHint,
  keyId: userApiKey.keyId,
  isEnabled: userApiKey.isEnabled,
  createdAt: userApiKey.createdAt,
  updatedAt: userApiKey.updatedAt,
  lastValidatedAt: userApiKey.lastValidatedAt,
  lastUsedAt: userApiKey.lastUsedAt,
  health: userApiKey.health,
  healthCheckedAt: userApiKey.healthCheckedAt,
  healthMessage: userApiKey.healthMessage,
  budgetMicroUsd: userApiKey.budgetMicroUsd,
  budgetMode: userApiKey.budgetMode,
  spendMonth: userApiKey.spendMonth,
  spendMicroUsd: userApiKey.spendMicroUsd,
};

/** A stored key without its ciphertext: what answers are made of (lib/keys/view.ts maps it for clients). */
export type ApiKeyRecord = Pick<UserApiKeyRow, keyof typeof recordColumns>;

export const keyLimit = sql.raw(String(MAX_KEYS_PER_PROVIDER));

/**
 * The provider's keys of this user, locked in id order (so concurrent writers queue instead of deadlocking) and
 * read in their latest committed version: what a write's new positions are computed from.
 */
export const lockedKeys = (
  userId: string,
  providerId: SQL | string,
) => sql`select ${userApiKey.id}, ${userApiKey.label}, ${userApiKey.position},
  ${userApiKey.isEnabled}, ${userApiKey.expiresAt} from ${userApiKey} where ${userApiKey.userId} = ${userId}::uuid and ${userApiKey.providerId} = ${providerId}::uuid
  order by ${userApiKey.id} for update`;

/** The provider of the user's key `id`, as a scalar subquery (NULL when the key is not theirs). */
export const providerOfKey = (userId: string, id: string) =>
  sql`(select "providerId" from ${userApiKey} where id = ${id}::uuid and "userId" = ${userId}::uuid)`;

/** The row a write returns: the record, its owner, and what the events need. */
export const writtenColumns = { ...recordColumns, userId: userApiKey.userId };

/** The record's columns of a CTE that returned them (and maybe more). */
export function pickRecord<T extends Record<keyof typeof recordColumns, unknown>>(cte: T) {
  return Object.fromEntries(
    Object.keys(recordColumns).map((name) => [name, cte[name as keyof typeof recordColumns]]),
  ) as {
    [K in keyof typeof recordColumns]: T[K];
  };
}

/**
 * Two writers that both computed a position from the same moment collide on the (user, provider, position)
 * constraint (checked at the end of each statement): the loser's statement changed nothing, and is run again.
 * Two inserts that both wait for the other's end-of-statement check are a deadlock PostgreSQL breaks by failing
 * one: that one changed nothing either, and is run again, after a short random pause so the two part.
 */
export async function retryingPositionClash<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const state = sqlState(error);
      const clash = state === UNIQUE_VIOLATION && constraintName(error) === POSITION_CONSTRAINT;
      if (!(clash || state === DEADLOCK_DETECTED) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    }
  }
}

const DEADLOCK_DETECTED = "40P01";
const POSITION_CONSTRAINT = "UserApiKey_userId_providerId_position_key";
export const LABEL_INDEX = "UserApiKey_userId_providerId_label_key";
