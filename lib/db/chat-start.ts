import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, withDb } from "./client";
import { pointUpsert, type RateLimitState, sometimesPurge } from "./counters";
import { type KeyForRequest, usableKeysCtes } from "./keys-for-use";
import { type ProviderRecord, type ProviderRow, toProviderRecord } from "./providers";
import { modelProvider, session } from "./schema";
import { isUuid } from "./uuid";

/** What a playground answer needs before its provider is asked (lib/keys/chat.ts). */
export interface ChatStart {
  /** False when the request's session has ended: then nothing was counted, read or stamped. */
  live: boolean;
  /** The chat limit's window with this request's point in it; null when the session had ended. */
  limit: RateLimitState | null;
  /** The provider, a built-in or one of the user's own endpoints; null when there is no such provider. */
  provider: ProviderRecord | null;
  /** Its usable keys in order (lib/db/keys-for-use.ts), `lastUsedAt` stamped on the first; none over the limit. */
  keys: KeyForRequest[];
}

/**
 * Everything a playground answer reads and writes before its provider is asked, in ONE statement (one round trip
 * before the first token, where there were three): that the session is live; one point of the chat limit, spent
 * only when it is; the provider; its usable keys in the user's order, read and stamped only when the point was
 * within `limit.points`. The caller decides, in that order: 401, 429, 404, then the keys.
 */
export async function startChat(
  userId: string,
  sessionId: string,
  providerId: string,
  limit: { key: string; points: number; windowSeconds: number },
): Promise<ChatStart> {
  if (!isUuid(userId) || !isUuid(sessionId)) return { live: false, limit: null, provider: null, keys: [] };
  const provider = isUuid(providerId) ? sql`${providerId}::uuid` : sql`null::uuid`;
  const [row] = rowsOf<{ live: boolean; limit: RateLimitState | null; provider: ProviderRow | null; keys: KeyForRequest[] }>(
    await withDb((db) =>
      db.execute(sql`with live as (
          select 1 from ${session} where id = ${sessionId}::uuid and "userId" = ${userId}::uuid and "expiresAt" > now()
        ),
        counted as (${pointUpsert(limit.key, limit.windowSeconds, sql`exists (select 1 from live)`)}),
        allowed as (select exists (select 1 from counted where "points" <= ${limit.points}) as ok),
        provider as (
          select id, "registryId", name, description, "ownerId", "baseUrl" from ${modelProvider}
          where id = ${provider} and "isEnabled" and ("ownerId" is null or "ownerId" = ${userId}::uuid) and exists (select 1 from live)
        ),
        ${usableKeysCtes(userId, sql`(select id from provider)`, sql`(select ok from allowed)`)}
        select exists (select 1 from live) as live,
          (select row_to_json(c) from counted as c) as "limit",
          (select row_to_json(p) from provider as p) as provider,
          coalesce(
            (select json_agg(json_build_object('id', id, 'label', label, 'keyHint', "keyHint", 'encryptedKey', "encryptedKey") order by place)
             from usable where (fallback or place = 1) and (select ok from allowed)),
            '[]'::json
          ) as keys`),
    ),
  );
  if (row!.live) sometimesPurge();
  return { live: row!.live, limit: row!.limit, provider: row!.provider && toProviderRecord(row!.provider), keys: row!.keys };
}
