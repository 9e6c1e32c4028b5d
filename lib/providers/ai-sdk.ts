import "server-only";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createDeepSeek } from "@ai-sdk/deepseek";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createGroq } from "@ai-sdk/groq";
import { createMistral } from "@ai-sdk/mistral";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createXai } from "@ai-sdk/xai";
import type { LanguageModel } from "ai";
import { AppError } from "@/lib/errors";
import { modelIdProblem } from "@/lib/domain/model-id";
import { type FetchFunction, guardedFetch } from "@/lib/net/outbound";
import { providerBaseURL } from "./base-url";
import { getProviderInfo, type RegistryId } from "@/lib/domain/catalogue";

export interface RegistryProvider {
  languageModel(modelId: string): Exclude<LanguageModel, string>;
}

type Factory = (settings: { apiKey: string; baseURL: string; fetch?: FetchFunction }) => RegistryProvider;

/**
 * Every setting is passed explicitly. The AI SDK reads OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY… when a
 * setting is undefined; in this product a request runs on its user's key or not at all, never on the server's.
 */
const FACTORIES: Record<RegistryId, Factory> = {
  // Chat Completions rather than the Responses API: what OpenAI-compatible proxies speak as well.
  openai: (s) => {
    const provider = createOpenAI(s);
    return { languageModel: (id) => provider.chat(id) };
  },
  anthropic: (s) => createAnthropic(s),
  // The SDK builds `<baseURL>/models/<id>:streamGenerateContent` from the id as it is: it goes in as one encoded
  // path segment (a ":" of the id becomes %3A, and cannot be read as the method's).
  google: (s) => {
    const provider = createGoogleGenerativeAI(s);
    return { languageModel: (id) => provider.languageModel(encodeURIComponent(id)) };
  },
  mistral: (s) => createMistral(s),
  groq: (s) => createGroq(s),
  xai: (s) => createXai(s),
  deepseek: (s) => createDeepSeek(s),
  // includeUsage: ask for the token counts in the stream's last event (stream_options.include_usage).
  openrouter: (s) => createOpenAICompatible({ name: "openrouter", includeUsage: true, ...s }),
};

/**
 * The seed's `createProviderFromRegistry`: an AI SDK provider that uses exactly this key and base URL, and
 * `fetch` when given (the playground's, with an answer-start timeout: lib/providers/chat-fetch.ts).
 */
export function createProviderFromRegistry(
  registryId: string,
  apiKey: string,
  options: { baseURL?: string; fetch?: FetchFunction } = {},
): RegistryProvider {
  const info = getProviderInfo(registryId);
  if (!info) throw new AppError("provider_not_found", `There is no provider "${registryId}".`);
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    // Without this an empty key would make the SDK fall back to the server's environment key.
    throw new AppError("api_key_not_found", `No API key to use for ${info.name}.`);
  }
  const { baseURL = providerBaseURL(info), fetch } = options;
  return checkedModelIds(info.registryId, FACTORIES[info.registryId]({ apiKey, baseURL, ...(fetch ? { fetch } : {}) }));
}

/**
 * A provider that refuses a model id its provider would not have (lib/domain/model-id.ts) before anything is
 * built with it: an id can go into a URL (Google's path), and must never change where the request goes.
 */
function checkedModelIds(registryId: string, provider: RegistryProvider): RegistryProvider {
  return {
    languageModel: (id) => {
      const problem = modelIdProblem(registryId, id);
      if (problem) throw new AppError("invalid_body", `model: ${problem}`, { details: { fields: { model: problem } } });
      return provider.languageModel(id);
    },
  };
}

/**
 * An AI SDK provider for a custom endpoint: OpenAI chat completions at its base URL, every request through the
 * outbound guard (lib/net/outbound.ts). The user's key for it is the Bearer token; for an endpoint saved without a
 * key ("") no Authorization header is sent at all. createOpenAICompatible reads nothing from the environment.
 * `fetch` must be one of the guard's (createGuardedFetch); the default bounds a whole exchange to 60 s.
 */
export function createEndpointProvider(
  endpoint: { baseUrl: string },
  apiKey: string,
  fetch: FetchFunction = guardedFetch,
): RegistryProvider {
  const provider = createOpenAICompatible({
    name: "custom",
    baseURL: endpoint.baseUrl,
    fetch,
    includeUsage: true,
    ...(apiKey === "" ? {} : { apiKey }),
  });
  return checkedModelIds("custom", { languageModel: (id) => provider.chatModel(id) });
}
