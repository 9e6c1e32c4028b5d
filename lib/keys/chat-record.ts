import "server-only";
import type { LanguageModelUsage } from "ai";
import { inBackground } from "@/lib/background";
import type { AnswerPricing } from "@/lib/db/answer-keys";
import type { ProviderRecord } from "@/lib/db/providers";
import { EndpointNotAllowedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { type ChatFailure, classifyChatFailure } from "@/lib/providers/chat-failure";
import { answerCost, reportedCost } from "@/lib/spend/pricing";
import { recordKeyHealth } from "./health";
import { recordKeyUsage } from "./usage";
import type { KeyForUse } from "./vault";

/** A playground answer's accounting (lib/keys/chat.ts answers it): what it cost, and its one record when it ends. */

/** What an answer carries from its start to its record: the model, the user's price, its budget hold. */
export interface Spend {
  model: string;
  pricing: AnswerPricing;
  holdId: string;
}

/**
 * What an answer cost, decided once from its usage (lib/spend/pricing.ts). OpenRouter reports the cost in its
 * last event (asked for with `usage.include`): that figure wins over the price table.
 */
export function answerCostOf(provider: ProviderRecord, spend: Spend) {
  let reported: number | null = null;
  let cost: { of: LanguageModelUsage; micro: number | null } | undefined;
  const streamOptions =
    provider.registryId === "openrouter"
      ? {
          includeRawChunks: true,
          providerOptions: { openrouter: { usage: { include: true } } },
          onChunk: ({ chunk }: { chunk: { type: string; rawValue?: unknown } }) => {
            if (chunk.type === "raw")
              reported =
                reportedCost((chunk.rawValue as { usage?: { cost?: unknown } } | null)?.usage?.cost) ?? reported;
          },
        }
      : {};
  const of = (usage: LanguageModelUsage): number | null => {
    if (cost?.of !== usage) {
      const tokens = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
      cost = {
        of: usage,
        micro: answerCost(provider, spend.model, tokens, { reportedMicroUsd: reported, user: spend.pricing.userPrice }),
      };
    }
    return cost.micro;
  };
  return { streamOptions, of };
}

/**
 * The answer's one record, whatever ends it: finished (usage, cost, the key's health ok), failed (the first
 * failure decides: classified, logged, counted as an error, and the key's health when it concerns the key), or
 * stopped by the user (a request, neither success nor failure of the key).
 */
export function answerRecord(
  userId: string,
  provider: ProviderRecord,
  key: KeyForUse,
  spend: Spend,
  timeoutMs: number,
) {
  const checked = { userId, providerId: provider.id, encryptedKey: key.sealed, id: key.id };
  const recordedAs = { model: spend.model, reservationId: spend.holdId };
  let failure: ChatFailure | undefined;
  let recorded = false;
  const record = (work: () => Promise<unknown>) => {
    if (recorded) return;
    recorded = true;
    inBackground(
      work().catch((error: unknown) =>
        log.error({ scope: "chat", err: error }, "could not record a playground answer's usage or health"),
      ),
    );
  };
  const classify = (error: unknown): ChatFailure =>
    error instanceof EndpointNotAllowedError
      ? { status: "unreachable", concernsKey: false, message: error.message }
      : classifyChatFailure(error, provider, { timeoutMs });
  return {
    failure: () => failure,
    fail(error: unknown): ChatFailure {
      if (failure) return failure;
      const seen = (failure = classify(error));
      log.warn(
        { scope: "chat", provider: provider.registryId, status: seen.status, httpStatus: seen.httpStatus },
        "a playground answer failed",
      );
      record(async () => {
        await recordKeyUsage(userId, key.id, { failed: true, ...recordedAs });
        if (seen.concernsKey) await recordKeyHealth(checked, { status: seen.status, message: seen.message }, "chat");
      });
      return seen;
    },
    finished(usage: LanguageModelUsage, costMicroUsd: number | null) {
      record(async () => {
        await recordKeyUsage(userId, key.id, {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costMicroUsd,
          ...recordedAs,
        });
        await recordKeyHealth(
          checked,
          { status: "valid", message: `${provider.name} answered a playground message with this key.` },
          "chat",
        );
      });
    },
    stopped: () => record(() => recordKeyUsage(userId, key.id, recordedAs)),
  };
}
