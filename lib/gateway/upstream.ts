import "server-only";
import type { ProviderRecord } from "@/lib/db/providers";
import type { KeyForUse } from "@/lib/keys/vault";
import { answerFetch } from "@/lib/providers/answer-fetch";
import { providerBaseURL } from "@/lib/providers/base-url";
import { getProviderInfo } from "@/lib/domain/catalogue";
import { ENDPOINT_API, PROVIDER_API } from "@/lib/providers/provider-api";
import type { Upstream } from "./passthrough";

/**
 * Where a passed-through request goes, with the user's key and nothing else: an OpenAI-compatible provider's
 * `/chat/completions` (a custom endpoint's through the outbound guard; one saved without a key gets no
 * Authorization header at all), or Anthropic's `/messages`.
 */
export function chatCompletionsUpstream(provider: ProviderRecord, key: KeyForUse, timeoutMs: number): Upstream {
  const fetch = answerFetch(provider, timeoutMs);
  if (provider.registryId === "custom") {
    return {
      url: `${provider.baseUrl}/chat/completions`,
      headers: ENDPOINT_API.authHeaders(key.apiKey),
      fetch,
      dialect: "openai",
    };
  }
  const info = getProviderInfo(provider.registryId)!;
  return {
    url: `${providerBaseURL(info)}/chat/completions`,
    headers: PROVIDER_API[info.registryId].authHeaders(key.apiKey),
    fetch,
    dialect: "openai",
  };
}

/** The Anthropic API version asked for when the caller names none (the one every SDK version understands). */
const ANTHROPIC_VERSION = "2023-06-01";

export function messagesUpstream(
  provider: ProviderRecord,
  key: KeyForUse,
  timeoutMs: number,
  caller: Headers,
): Upstream {
  const info = getProviderInfo("anthropic")!;
  const headers: Record<string, string> = {
    "x-api-key": key.apiKey,
    "anthropic-version": caller.get("anthropic-version") ?? ANTHROPIC_VERSION,
  };
  const beta = caller.get("anthropic-beta");
  if (beta && /^[\w.,-]{1,500}$/.test(beta)) headers["anthropic-beta"] = beta;
  return {
    url: `${providerBaseURL(info)}/messages`,
    headers,
    fetch: answerFetch(provider, timeoutMs),
    dialect: "anthropic",
  };
}
