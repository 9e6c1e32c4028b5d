import "server-only";
import type { ProviderRecord } from "@/lib/db/providers";
import { createGuardedFetch, type FetchFunction } from "@/lib/net/outbound";
import { createEndpointProvider, createProviderFromRegistry } from "./ai-sdk";
import { createChatFetch } from "./chat-fetch";

/** How long a custom endpoint may stream one answer through the outbound guard (which bounds the whole exchange). */
const ENDPOINT_STREAM_TIMEOUT_MS = 10 * 60 * 1000;
/** An answer larger than this from a custom endpoint is cut off. */
const ENDPOINT_STREAM_MAX_BYTES = 32 << 20;

/**
 * The fetch an answer is asked with (the playground's, the gateway's): a built-in provider's with an answer-start
 * timeout (chat-fetch.ts); a custom endpoint's through the outbound guard, with a bound long enough for a whole
 * answer to stream.
 */
export function answerFetch(provider: Pick<ProviderRecord, "registryId">, timeoutMs: number): FetchFunction {
  return provider.registryId === "custom"
    ? createGuardedFetch({ timeoutMs: ENDPOINT_STREAM_TIMEOUT_MS, maxBytes: ENDPOINT_STREAM_MAX_BYTES })
    : createChatFetch(timeoutMs);
}

/** An AI SDK language model on the user's key, asked through answerFetch. */
export function answerModel(provider: ProviderRecord, apiKey: string, modelId: string, timeoutMs: number) {
  const fetch = answerFetch(provider, timeoutMs);
  if (provider.registryId === "custom") return createEndpointProvider(provider, apiKey, fetch).languageModel(modelId);
  return createProviderFromRegistry(provider.registryId, apiKey, { fetch }).languageModel(modelId);
}
