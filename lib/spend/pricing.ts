import "server-only";
import type { ProviderRecord } from "@/lib/db/providers";
import { cataloguePrice } from "./catalogue";
import { costMicroUsd, type TokenPrice } from "@/lib/domain/money";

/**
 * What an answer cost, decided once when it ends (CONTRACT-WAVE3 "Spend and budgets"): the cost the provider
 * reported in its answer (OpenRouter's `usage.cost`) first, then the user's own price for the model, then the
 * catalogue's; otherwise unknown (null: counted as unpriced, never as free). A custom endpoint has no catalogue
 * price.
 */
export function answerCost(
  provider: Pick<ProviderRecord, "registryId">,
  model: string,
  usage: { inputTokens: number; outputTokens: number },
  prices: { reportedMicroUsd?: number | null; user?: TokenPrice | null },
): number | null {
  if (prices.reportedMicroUsd != null && Number.isFinite(prices.reportedMicroUsd))
    return Math.max(0, Math.round(prices.reportedMicroUsd));
  const price = prices.user ?? catalogueFor(provider, model, usage.inputTokens);
  return price ? costMicroUsd(usage, price) : null;
}

/** The catalogue's price for a built-in provider's model (at this many input tokens, for tiered prices). */
export function catalogueFor(
  provider: Pick<ProviderRecord, "registryId">,
  model: string,
  inputTokens = 0,
): TokenPrice | null {
  return provider.registryId === "custom" ? null : cataloguePrice(provider.registryId, model, inputTokens);
}

/** A cost a provider reported in dollars (OpenRouter's `usage.cost`), in micro-dollars; null when there is none. */
export function reportedCost(usd: unknown): number | null {
  return typeof usd === "number" && Number.isFinite(usd) && usd >= 0 ? Math.round(usd * 1_000_000) : null;
}
