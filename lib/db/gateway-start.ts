import "server-only";
import { sql } from "drizzle-orm";
import {
  type AnswerPricing,
  answerKeysCtes,
  candidatesJson,
  holdPlaceholders,
  type HoldRequest,
  holdValues,
  type KeyForAnswer,
  pricingJson,
} from "./answer-keys";
import { withDb } from "./client";
import { preparedStatement, rowsOf } from "./prepared";
import { pointUpsert, type RateLimitState, relaxedCommit, sometimesPurge } from "./counters";
import { type ProviderRecord, type ProviderRow, toProviderRecord } from "./providers";
import { accessToken, modelProvider } from "./schema";
import { withHold, withinHardBudget } from "./spend-sql";

/** What a gateway request (/api/v1) needs before its provider is asked. */
export interface GatewayStart {
  /** The access token, when the hash names one that has not expired. */
  token: { id: string; userId: string; name: string; budgetMicroUsd: number | null } | null;
  /** The token's limit window with this request's point; null without a token. */
  limit: RateLimitState | null;
  /** The provider the model names (a built-in's id, or one of the user's endpoint slugs); null: none. */
  provider: ProviderRecord | null;
  /** The provider is among the token's `providerIds` (or it has none). */
  inScope: boolean;
  /** The token's own hard budget has no room left (402). */
  tokenOverBudget: boolean;
  /** The statement took the answer's hold on the token and its first key (false when a budget was raced away). */
  tokenHeld: boolean;
  /** The provider's usable keys with their budgets, read only when everything above allows. */
  keys: KeyForAnswer[];
  pricing: AnswerPricing;
}

const p = sql.placeholder;

/** The statement, built and prepared once (client.ts); its values are placeholders filled per request. */
const startStatement = preparedStatement("gateway_start", () => {
  const hold = holdPlaceholders;
  const token = sql`(select id from tok)`;
  const userId = sql`(select "userId" from tok)`;
  return sql`with tok as (
      select id, "userId", name, "providerIds", "budgetMicroUsd"::float8 as "budgetMicroUsd", ${withinHardBudget("t")} as within,
        "budgetMode" is not distinct from 'hard' as hard
      from ${accessToken} as t where "tokenHash" = ${p("tokenHash")} and ("expiresAt" is null or "expiresAt" > now())
    ),
    counted as (${pointUpsert(p("limitKey"), p("windowSeconds"), sql`exists (select 1 from tok)`)}),
    provider as (
      select p.id, p."registryId", p.name, p.description, p."ownerId", p."baseUrl" from ${modelProvider} as p, tok
      where p."isEnabled" and ((p."ownerId" is null and p."registryId" = ${p("prefix")}) or (p."ownerId" = tok."userId" and p.slug = ${p("prefix")}))
    ),
    scoped as (select tok."providerIds" is null or provider.id = any(tok."providerIds") as ok from tok, provider),
    proceed as (
      select exists (select 1 from counted where points <= ${p("points")}) and coalesce((select ok from scoped), false)
        and coalesce((select within from tok), false) as ok
    ),
    ${answerKeysCtes(
      userId,
      sql`(select id from provider)`,
      hold,
      sql`(select ok from proceed) and (select ok from token_held)`,
      sql`token_hold as (
        update ${accessToken} as t set "lastUsedAt" = now(), reservations = ${withHold("t", hold.id, sql`(select micro from hold)`)}
        where t.id = ${token} and t."budgetMode" = 'hard' and (select ok from proceed) and exists (select 1 from chosen) and ${withinHardBudget("t")}
        returning t.id
      ),
      token_held as (
        select (select ok from proceed) and exists (select 1 from chosen)
          and (not (select hard from tok) or exists (select 1 from token_hold)) as ok
      )`,
      "hold",
    )}
    select (select json_build_object('id', id, 'userId', "userId", 'name', name, 'budgetMicroUsd', "budgetMicroUsd") from tok) as token,
      (select row_to_json(c) from counted as c) as "limit",
      (select row_to_json(p) from provider as p) as provider,
      coalesce((select ok from scoped), false) as "inScope",
      not coalesce((select within from tok), true) as "tokenOverBudget",
      coalesce((select ok from token_held), false) as "tokenHeld",
      ${candidatesJson(sql`(select ok from proceed)`)} as keys,
      ${pricingJson} as pricing, ${relaxedCommit}`;
});

/**
 * Everything a gateway request reads and writes before its provider is asked, in ONE statement (as the
 * playground's lib/db/chat-start.ts): the token by its hash, unexpired (revocation deletes the row: refused at once
 * on every instance); one point of its limit; the provider `prefix` names; whether the token may use it; the
 * token's hold on its own hard budget; the provider's keys in the user's order with their budgets, and the hold on
 * the first one's hard budget (lib/db/answer-keys.ts). Nothing is counted, read or held that the answer's order
 * (401, 429, 404, 403, 402) would refuse. The token's and the key's rows are written only to take a hard budget's
 * hold: without one, the only row this statement locks is the token's rate-limit window, so an answer never waits
 * here for another's usage statement on the same token and key; `lastUsedAt` of both is stamped by that usage
 * statement (lib/db/key-usage.ts), which writes both rows anyway.
 */
export async function startGatewayAnswer(
  tokenHash: string,
  prefix: string,
  limit: { points: number; windowSeconds: number },
  hold: HoldRequest,
): Promise<GatewayStart> {
  const [row] = rowsOf<Omit<GatewayStart, "provider"> & { provider: ProviderRow | null }>(
    await startStatement({
      tokenHash,
      limitKey: `gateway:${tokenHash.slice(0, 32)}`,
      windowSeconds: limit.windowSeconds,
      prefix,
      points: limit.points,
      ...holdValues(hold),
    }),
  );
  if (row!.token) sometimesPurge();
  return { ...row!, provider: row!.provider && toProviderRecord(row!.provider) };
}

/** Whether a token hash names a live token: for a request refused before its one statement (a malformed body). */
export async function tokenExists(tokenHash: string): Promise<boolean> {
  const rows = rowsOf<{ id: string }>(
    await withDb((db) =>
      db.execute(
        sql`select id from ${accessToken} where "tokenHash" = ${tokenHash} and ("expiresAt" is null or "expiresAt" > now())`,
      ),
    ),
  );
  return rows.length > 0;
}
