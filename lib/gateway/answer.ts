import "server-only";
import { openAnswerKeys } from "@/lib/keys/answer-keys";
import { randomUUID } from "node:crypto";
import { inBackground } from "@/lib/background";
import { holdOnKey, type KeyForAnswer, releaseTokenHold } from "@/lib/db/answer-keys";
import { type GatewayStart, startGatewayAnswer } from "@/lib/db/gateway-start";
import type { ProviderRecord } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";
import { recordKeyHealth } from "@/lib/keys/health";
import { recordKeyUsage } from "@/lib/keys/usage";
import { type KeyForUse, noUsableKeyError } from "@/lib/keys/vault";
import { log } from "@/lib/log";
import type { ChatFailure } from "@/lib/providers/chat-failure";
import { getProviderInfo } from "@/lib/domain/catalogue";
import { providerTimeoutMs } from "@/lib/providers/provider-get";
import { LIMITS } from "@/lib/rate-limits";
import { keyBudgetExceeded, tokenBudgetExceeded } from "@/lib/spend/budget-error";
import { cataloguePrice } from "@/lib/spend/catalogue";
import type { TokenEstimate } from "@/lib/spend/estimate";
import type { TokenPrice } from "@/lib/domain/money";
import { answerCost, reportedCost } from "@/lib/spend/pricing";
import { unknownToken } from "./auth";
import { CORS_HEADERS, GatewayError } from "./errors";
import type { AttemptOutcome } from "./passthrough";
import type { Finished } from "./relay";

/**
 * A gateway answer from start to record, whatever API it speaks: the one statement before the provider is asked
 * (lib/db/gateway-start.ts), the refusals in their order (401, 429, 404, 403, 402), the user's keys in their
 * order with the playground's fallback rules (the next key when one is rejected, limited or unreachable before
 * any output; never once output began), and when the answer is over ONE statement recording its tokens and cost
 * against the key, the model and the token (lib/db/key-usage.ts), budgets' holds let go of. A key's health is
 * recorded when what the provider said changes it.
 */

export interface GatewayRequest {
  tokenHash: string;
  /** The provider's registry id or endpoint slug, from the model name. */
  prefix: string;
  /** The model id at the provider. */
  model: string;
  estimate: TokenEstimate;
  signal: AbortSignal;
  /** One try on one key. */
  attempt: (provider: ProviderRecord, key: KeyForUse, timeoutMs: number) => Promise<AttemptOutcome>;
}

/** The refusals before any key is tried, in the contract's order. */
function refuseEarly(start: GatewayStart, prefix: string, model: string): void {
  if (!start.token || !start.limit) throw unknownToken();
  if (start.limit.points > LIMITS.gateway.points) {
    throw new GatewayError(
      "rate_limit",
      "rate_limit_exceeded",
      `This access token may make ${LIMITS.gateway.points} requests a minute; try again in ${start.limit.resetInSeconds} s.`,
      undefined,
      start.limit.resetInSeconds,
    );
  }
  if (!start.provider) {
    throw new GatewayError(
      "not_found",
      "model_not_found",
      `There is no provider "${prefix}" for "${prefix}/${model}": GET /api/v1/models lists the models you can use.`,
    );
  }
  if (!start.inScope) {
    throw new GatewayError(
      "permission",
      "provider_not_allowed",
      `This access token may not use ${start.provider.name}. Change its providers in Settings → Access tokens.`,
    );
  }
  if (start.tokenOverBudget) throw tokenBudgetExceeded(start.token.name, start.token.budgetMicroUsd);
}

/** The keys the answer may try, opened; 402 when budgets leave none, 404 when there is none usable. */
async function usableKeys(
  start: GatewayStart,
  provider: ProviderRecord,
  holdId: string,
): Promise<{ keys: KeyForUse[]; budgets: Map<string, KeyForAnswer> }> {
  const userId = start.token!.userId;
  const affordable = start.keys.filter((key) => !key.overBudget);
  if (start.keys.length > 0 && affordable.length === 0) throw keyBudgetExceeded(provider.name, start.keys);
  // The token's hold was raced away between the statement's read and its write: its budget is spent after all.
  if (affordable.length > 0 && !start.tokenHeld)
    throw tokenBudgetExceeded(start.token!.name, start.token!.budgetMicroUsd);
  const keys = await openAnswerKeys(userId, provider, affordable, holdId);
  if (keys.length > 0) return { keys, budgets: new Map(affordable.map((key) => [key.id, key])) };
  const reason = await noUsableKeyError(userId, provider, {
    disabled: `Your ${provider.name} keys are disabled or expired: enable one in Settings to use ${provider.name} through the gateway.`,
    missing: `You have no ${provider.name} key: add one in Settings to use ${provider.name} through the gateway.`,
  });
  throw new GatewayError("not_found", reason.code, reason.message);
}

/** The error the caller gets when every key failed before any output. */
function failureError(failure: ChatFailure, refused?: { status: number; message: string }): GatewayError {
  if (refused)
    return new GatewayError(
      "invalid_request",
      "provider_refused_request",
      refused.message,
      refused.status === 404 ? 404 : refused.status < 500 ? refused.status : 400,
    );
  if (failure.status === "limited") return new GatewayError("rate_limit", "provider_rate_limited", failure.message);
  return new GatewayError(
    "upstream",
    failure.status === "invalid" ? "provider_rejected_key" : "provider_unreachable",
    failure.message,
  );
}

export async function serveGatewayAnswer(request: GatewayRequest): Promise<Response> {
  const info = getProviderInfo(request.prefix);
  const holdId = randomUUID();
  const hold = {
    id: holdId,
    model: request.model,
    ...request.estimate,
    catalogue: info ? cataloguePrice(info.registryId, request.model, request.estimate.inputTokens) : null,
  };
  const start = await startGatewayAnswer(request.tokenHash, request.prefix, LIMITS.gateway, hold);
  refuseEarly(start, request.prefix, request.model);
  const token = start.token!;
  const provider = start.provider!;
  const userId = token.userId;
  try {
    const { keys, budgets } = await usableKeys(start, provider, holdId);
    const timeoutMs = providerTimeoutMs();
    const record = (key: KeyForUse, outcome: { finished?: Finished; failure?: ChatFailure }) =>
      recordAnswer({
        userId,
        tokenId: token.id,
        holdId,
        provider,
        model: request.model,
        key,
        budget: budgets.get(key.id)!,
        userPrice: start.pricing.userPrice,
        ...outcome,
      });
    let last: { failure: ChatFailure; refused?: { status: number; message: string } } | undefined;
    const spent: KeyForAnswer[] = [];
    for (const key of keys) {
      const budget = budgets.get(key.id)!;
      if (budget.hard && !budget.held && !(await holdOnKey(userId, key.id, holdId, start.pricing.holdMicroUsd))) {
        spent.push(budget);
        continue;
      }
      const outcome = await request.attempt(provider, key, timeoutMs);
      if (outcome.ok) {
        inBackground(outcome.finished.then((finished) => record(key, { finished })));
        const headers = new Headers(outcome.response.headers);
        for (const [name, value] of Object.entries(CORS_HEADERS)) headers.set(name, value);
        headers.set("x-key-hint", /^[\x20-\x7e]*$/.test(key.keyHint) ? key.keyHint : encodeURIComponent(key.keyHint));
        return new Response(outcome.response.body, { status: outcome.response.status, headers });
      }
      inBackground(record(key, { failure: outcome.failure }));
      last = outcome;
      if (!outcome.failure.concernsKey || request.signal.aborted) break;
    }
    if (!last) throw keyBudgetExceeded(provider.name, spent);
    throw failureError(last.failure, last.refused);
  } catch (error) {
    inBackground(releaseTokenHold(userId, token.id, holdId));
    throw error instanceof AppError && error.code === "api_key_not_found"
      ? new GatewayError("not_found", error.code, error.message)
      : error;
  }
}

/** The answer's one record (usage, cost, holds let go of), and the key's health when the provider changed it. */
async function recordAnswer(answer: {
  userId: string;
  tokenId: string;
  holdId: string;
  provider: ProviderRecord;
  model: string;
  key: KeyForUse;
  budget: KeyForAnswer;
  userPrice: TokenPrice | null;
  finished?: Finished;
  failure?: ChatFailure;
}): Promise<void> {
  const { userId, key, provider, finished, failure } = answer;
  const common = { model: answer.model, tokenId: answer.tokenId, reservationId: answer.holdId };
  const checked = { userId, providerId: provider.id, encryptedKey: key.sealed, id: key.id };
  try {
    if (failure) {
      await recordKeyUsage(userId, key.id, { failed: true, keepTokenHold: true, ...common });
      if (failure.concernsKey) await recordKeyHealth(checked, failure, "gateway");
      return;
    }
    const usage = finished!.usage;
    const cost = usage
      ? answerCost(provider, answer.model, usage, {
          reportedMicroUsd: reportedCost(usage.costUsd),
          user: answer.userPrice,
        })
      : null;
    await recordKeyUsage(userId, key.id, { ...usage, failed: finished!.broken, costMicroUsd: cost, ...common });
    if (!finished!.broken && answer.budget.health !== "ok") {
      await recordKeyHealth(
        checked,
        { status: "valid", message: `${provider.name} answered a request through an access token with this key.` },
        "gateway",
      );
    }
  } catch (error) {
    log.error({ scope: "gateway", err: error }, "could not record a gateway answer's usage");
  }
}
