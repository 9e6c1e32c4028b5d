import "server-only";
import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { TokenPrice } from "@/lib/domain/money";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import type { KeyHealth } from "../domain/key-facts";
import type { KeyForRequest } from "./keys-for-use";
import { accessToken, userApiKey, userPrice, userProviderSetting } from "./schema";
import { withHold, withinHardBudget, withoutHold } from "./spend-sql";
import { isUuid } from "./uuid";

/**
 * The keys an answer may use, with their budgets, read by the one statement that starts an answer (the playground's
 * lib/db/chat-start.ts, the gateway's lib/db/gateway-start.ts), and the hold it takes on the first that can serve.
 */

/** What an answer asks to hold against hard budgets while it runs (its estimate: lib/spend/estimate.ts). */
export interface HoldRequest {
  /** The hold's id (a uuid), let go of when the answer is recorded (lib/db/key-usage.ts). */
  id: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** The catalogue's price of the model; the user's own wins when they set one. Neither: nothing is held. */
  catalogue: TokenPrice | null;
}

/** A value of a statement: given, or a placeholder filled per call (a statement prepared once: client.ts). */
type Param<T> = T | Placeholder;

/** A hold as the start statement takes it: its values, or placeholders of a prepared statement. */
export interface HoldParams {
  id: Param<string>;
  model: Param<string>;
  inputTokens: Param<number>;
  outputTokens: Param<number>;
  /** The catalogue's price of the model per million tokens (null: none). */
  inputPrice: Param<number | null>;
  outputPrice: Param<number | null>;
}

/** A hold's values for the statement. */
export const holdParams = (hold: HoldRequest): HoldParams => ({
  id: hold.id,
  model: hold.model,
  inputTokens: hold.inputTokens,
  outputTokens: hold.outputTokens,
  inputPrice: hold.catalogue?.inputMicroUsdPerMTok ?? null,
  outputPrice: hold.catalogue?.outputMicroUsdPerMTok ?? null,
});

/** A hold's placeholders (`holdId`, `model`, `inputTokens`, `outputTokens`, `inputPrice`, `outputPrice`), filled by holdValues. */
export const holdPlaceholders: HoldParams = {
  id: sql.placeholder("holdId"),
  model: sql.placeholder("model"),
  inputTokens: sql.placeholder("inputTokens"),
  outputTokens: sql.placeholder("outputTokens"),
  inputPrice: sql.placeholder("inputPrice"),
  outputPrice: sql.placeholder("outputPrice"),
};

/** The values of holdPlaceholders. */
export const holdValues = (hold: HoldRequest) => {
  const { id: holdId, ...rest } = holdParams(hold);
  return { holdId, ...rest };
};

/** A key an answer may use, with what its budget says. */
export interface KeyForAnswer extends KeyForRequest {
  /** A hard budget limits it. */
  hard: boolean;
  /** Its month's spend and the holds of running answers have reached its hard budget: it is skipped. */
  overBudget: boolean;
  budgetMicroUsd: number | null;
  /** The start statement took the answer's hold on it (the first key that could serve). */
  held: boolean;
  /** What its provider last said about it (the gateway records a change only). */
  health: KeyHealth;
}

/** What the start statement says about prices and holds. */
export interface AnswerPricing {
  /** The user's own price for the model at this provider; null: none (the catalogue's applies). */
  userPrice: TokenPrice | null;
  /** What the answer holds on a hard budget, in micro-dollars (0 when the model has no price). */
  holdMicroUsd: number;
}

/**
 * The CTEs `price`, `hold`, `setting`, `usable`, `candidates`, `chosen` and `held`: the user's price for the model;
 * the hold's amount; the provider's enabled, unexpired keys in order (`place` from 1) with the fallback setting
 * and their budgets; those a request may try (only the first without fallback); the first of those within its
 * budget; and, when `when` holds, `lastUsedAt` stamped on it and the hold taken on it if its budget is hard — by an
 * UPDATE whose WHERE checks the budget again on the row's latest version (lib/db/spend-sql.ts), so concurrent
 * answers never hold more than the budget has left. `userId` and `provider` are SQL expressions of the ids;
 * `beforeHeld`, CTEs `when` may read that need `chosen` (a CTE sees only those before it). With `writes: "hold"`
 * (the gateway) the UPDATE touches the key only to take a hard budget's hold: no row lock, no write otherwise, and
 * `lastUsedAt` is stamped by the answer's usage statement (lib/db/key-usage.ts), which writes the row anyway.
 */
export function answerKeysCtes(
  userId: SQL,
  provider: SQL,
  hold: HoldParams,
  when: SQL,
  beforeHeld?: SQL,
  writes: "stamp" | "hold" = "stamp",
): SQL {
  const k = sql.identifier("k");
  return sql`price as (
      select "inputMicroUsdPerMTok" as i, "outputMicroUsdPerMTok" as o from ${userPrice}
      where "userId" = ${userId} and "providerId" = ${provider} and model = ${hold.model}
    ),
    hold as (
      select coalesce(ceil((${hold.inputTokens}::numeric * coalesce((select i from price), ${hold.inputPrice}::bigint)
        + ${hold.outputTokens}::numeric * coalesce((select o from price), ${hold.outputPrice}::bigint)) / 1000000), 0)::bigint as micro
    ),
    setting as (
      select coalesce((select fallback from ${userProviderSetting} where "userId" = ${userId} and "providerId" = ${provider}), true) as fallback
    ),
    usable as (
      select k.id, k.label, k."keyHint", k."encryptedKey", s.fallback, row_number() over (order by k.position, k.id) as place,
        k."budgetMode" is not distinct from 'hard' as hard, not ${withinHardBudget("k")} as "overBudget", k."budgetMicroUsd", k.health
      from ${userApiKey} as k, setting as s
      where k."userId" = ${userId} and k."providerId" = ${provider} and k."isEnabled" and (k."expiresAt" is null or k."expiresAt" > now())
    ),
    candidates as (select * from usable where fallback or place = 1),
    chosen as (select id from candidates where not "overBudget" order by place limit 1),
    ${beforeHeld ? sql`${beforeHeld},` : sql``}
    held as (
      update ${userApiKey} as ${k} set "lastUsedAt" = now(),
        reservations = case when k."budgetMode" = 'hard' then ${withHold("k", hold.id, sql`(select micro from hold)`)} else k.reservations end
      where ${when} and k.id = (select id from chosen) and ${withinHardBudget("k")}${writes === "hold" ? sql` and k."budgetMode" = 'hard'` : sql``}
      returning k.id
    )`;
}

/** The candidates as the JSON array of KeyForAnswer, in order; `[]` unless `when`. */
export const candidatesJson = (when: SQL) => sql`coalesce((
    select json_agg(json_build_object('id', c.id, 'label', c.label, 'keyHint', c."keyHint", 'encryptedKey', c."encryptedKey",
      'hard', c.hard, 'overBudget', c."overBudget", 'budgetMicroUsd', c."budgetMicroUsd", 'health', c.health,
      'held', exists (select 1 from held as h where h.id = c.id)) order by c.place)
    from candidates as c where ${when}
  ), '[]'::json)`;

/** The pricing columns of the start statement's answer. */
export const pricingJson = sql`json_build_object(
    'userPrice', (select json_build_object('inputMicroUsdPerMTok', i, 'outputMicroUsdPerMTok', o) from price),
    'holdMicroUsd', (select micro from hold)
  )`;

/** Lets go of an answer's hold on its access token (it ended before any key was asked). One UPDATE. */
export async function releaseTokenHold(userId: string, tokenId: string, holdId: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(tokenId)) return;
  await withDb((db) =>
    db.execute(
      sql`update ${accessToken} set reservations = ${withoutHold("AccessToken", holdId)} where id = ${tokenId}::uuid and "userId" = ${userId}::uuid`,
    ),
  );
}

/** Lets go of an answer's hold on a key (it was refused before its provider was asked). One UPDATE. */
export async function releaseKeyHold(userId: string, keyId: string, holdId: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(keyId)) return;
  await withDb((db) =>
    db.execute(
      sql`update ${userApiKey} set reservations = ${withoutHold("UserApiKey", holdId)} where id = ${keyId}::uuid and "userId" = ${userId}::uuid`,
    ),
  );
}

/**
 * Takes an answer's hold on a later key with a hard budget (the first could not serve), if its budget still has
 * room; stamps `lastUsedAt` on it. One UPDATE; false when the budget is spent (the key is then skipped).
 */
export async function holdOnKey(userId: string, keyId: string, holdId: string, holdMicroUsd: number): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(keyId)) return false;
  const rows = rowsOf<{ id: string }>(
    await withDb((db) =>
      db.execute(sql`update ${userApiKey} as k set "lastUsedAt" = now(),
          reservations = case when k."budgetMode" = 'hard' then ${withHold("k", holdId, holdMicroUsd)} else k.reservations end
        where k.id = ${keyId}::uuid and k."userId" = ${userId}::uuid and ${withinHardBudget("k")} returning k.id`),
    ),
  );
  return rows.length > 0;
}
