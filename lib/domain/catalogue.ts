/**
 * The providers this product knows, in display order. One source of truth: the ModelProvider seed, the key
 * checker, the AI SDK factory and the key dialog all read from here. Plain data, safe for client bundles.
 */
export const REGISTRY_IDS = [
  "openai",
  "anthropic",
  "google",
  "mistral",
  "groq",
  "xai",
  "deepseek",
  "openrouter",
] as const;
export type RegistryId = (typeof REGISTRY_IDS)[number];

export interface ProviderInfo {
  registryId: RegistryId;
  name: string;
  description: string;
  /** Where requests go unless PROVIDER_BASE_URL_<REGISTRYID> says otherwise. */
  defaultBaseURL: string;
  /** A hint for the input placeholder and a soft warning; never a reason to reject a key. */
  keyShape: { placeholder: string; pattern: RegExp; looksLike: string };
  /** Where a user creates a key. */
  keysURL: string;
}

export const PROVIDERS: readonly ProviderInfo[] = [
  {
    registryId: "openai",
    name: "OpenAI",
    description: "GPT models, o-series reasoning models and embeddings.",
    defaultBaseURL: "https://api.openai.com/v1",
    keyShape: {
      placeholder: "sk-proj-…",
      pattern: /^sk-[A-Za-z0-9_-]{20,}$/,
      looksLike: "start with sk- and have 20 or more letters and digits after it",
    },
    keysURL: "https://platform.openai.com/api-keys",
  },
  {
    registryId: "anthropic",
    name: "Anthropic",
    description: "Claude models for chat, coding and analysis.",
    defaultBaseURL: "https://api.anthropic.com/v1",
    keyShape: {
      placeholder: "sk-ant-api03-…",
      pattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/,
      looksLike: "start with sk-ant- and have 20 or more letters and digits after it",
    },
    keysURL: "https://console.anthropic.com/settings/keys",
  },
  {
    registryId: "google",
    name: "Google Gemini",
    description: "Gemini models through the Google AI Studio API.",
    defaultBaseURL: "https://generativelanguage.googleapis.com/v1beta",
    keyShape: {
      placeholder: "AIza…",
      pattern: /^AIza[A-Za-z0-9_-]{35}$/,
      looksLike: "start with AIza and have 39 characters",
    },
    keysURL: "https://aistudio.google.com/app/apikey",
  },
  {
    registryId: "mistral",
    name: "Mistral",
    description: "Mistral and Codestral models from Mistral AI.",
    defaultBaseURL: "https://api.mistral.ai/v1",
    keyShape: { placeholder: "32-character key", pattern: /^[A-Za-z0-9]{32}$/, looksLike: "are 32 letters and digits" },
    keysURL: "https://console.mistral.ai/api-keys",
  },
  {
    registryId: "groq",
    name: "Groq",
    description: "Open models served at very low latency on Groq LPUs.",
    defaultBaseURL: "https://api.groq.com/openai/v1",
    keyShape: {
      placeholder: "gsk_…",
      pattern: /^gsk_[A-Za-z0-9]{52}$/,
      looksLike: "start with gsk_ and have 52 letters and digits after it",
    },
    keysURL: "https://console.groq.com/keys",
  },
  {
    registryId: "xai",
    name: "xAI",
    description: "Grok models from xAI.",
    defaultBaseURL: "https://api.x.ai/v1",
    keyShape: {
      placeholder: "xai-…",
      pattern: /^xai-[A-Za-z0-9]{80}$/,
      looksLike: "start with xai- and have 80 letters and digits after it",
    },
    keysURL: "https://console.x.ai/",
  },
  {
    registryId: "deepseek",
    name: "DeepSeek",
    description: "DeepSeek chat and reasoning models.",
    defaultBaseURL: "https://api.deepseek.com",
    keyShape: {
      placeholder: "sk-…",
      pattern: /^sk-[a-f0-9]{32}$/,
      looksLike: "start with sk- and have 32 hexadecimal digits after it",
    },
    keysURL: "https://platform.deepseek.com/api_keys",
  },
  {
    registryId: "openrouter",
    name: "OpenRouter",
    description: "One key for hundreds of models from many providers.",
    defaultBaseURL: "https://openrouter.ai/api/v1",
    keyShape: {
      placeholder: "sk-or-v1-…",
      pattern: /^sk-or-v1-[a-f0-9]{64}$/,
      looksLike: "start with sk-or-v1- and have 64 hexadecimal digits after it",
    },
    keysURL: "https://openrouter.ai/settings/keys",
  },
];

const BY_ID = new Map(PROVIDERS.map((p) => [p.registryId, p]));

export function isRegistryId(value: string): value is RegistryId {
  return (REGISTRY_IDS as readonly string[]).includes(value);
}

export function getProviderInfo(registryId: string): ProviderInfo | undefined {
  return isRegistryId(registryId) ? BY_ID.get(registryId) : undefined;
}
