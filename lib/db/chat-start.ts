import "server-only";
import { sql } from "drizzle-orm";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { pointUpsert, type RateLimitState, relaxedCommit, sometimesPurge } from "./counters";
import {
  type AnswerPricing,
  answerKeysCtes,
  candidatesJson,
  holdParams,
  type HoldRequest,
  type KeyForAnswer,
  pricingJson,
} from "./answer-keys";
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
  /** Its usable keys in order with their budgets (lib/db/answer-keys.ts), `lastUsedAt` stamped and the hold taken
   * on the first within its budget; none over the limit. */
  keys: KeyForAnswer[];
  /** The user's price for the model, and the hold's amount. */
  pricing: AnswerPricing;
}

/**
 * Everything a playground answer reads and writes before its provider is asked, in ONE statement (one round trip
 * before the first token, where there were three): that the session is live; one point of the chat limit, spent
 * only when it is; the provider; its usable keys in the user's order with their budgets, read, stamped and held
 * (`hold`) only when the point was within `limit.points`; the user's price for the model. The caller decides, in
 * that order: 401, 429, 404, then the keys (402 when budgets leave none).
 */
export async function startChat(
  userId: string,
  sessionId: string,
  providerId: string,
  limit: { key: string; points: number; windowSeconds: number },
  hold: HoldRequest,
): Promise<ChatStart> {
  const none: AnswerPricing = { userPrice: null, holdMicroUsd: 0 };
  if (!isUuid(userId) || !isUuid(sessionId))
    return { live: false, limit: null, provider: null, keys: [], pricing: none };
  const provider = isUuid(providerId) ? sql`${providerId}::uuid` : sql`null::uuid`;
  const [row] = rowsOf<{
    live: boolean;
    limit: RateLimitState | null;
    provider: ProviderRow | null;
    keys: KeyForAnswer[];
    pricing: AnswerPricing;
  }>(
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
        ${answerKeysCtes(sql`${userId}::uuid`, sql`(select id from provider)`, holdParams(hold), sql`(select ok from allowed)`)}
        select exists (select 1 from live) as live,
          (select row_to_json(c) from counted as c) as "limit",
          (select row_to_json(p) from provider as p) as provider,
          ${candidatesJson(sql`(select ok from allowed)`)} as keys,
          ${pricingJson} as pricing, ${relaxedCommit}`),
    ),
  );
  if (row!.live) sometimesPurge();
  return {
    live: row!.live,
    limit: row!.limit,
    provider: row!.provider && toProviderRecord(row!.provider),
    keys: row!.keys,
    pricing: row!.pricing,
  };
}
