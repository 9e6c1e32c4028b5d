import type { RegistryId } from "@/lib/domain/catalogue";
import { json, type Reply } from "./key-check-replies";

/**
 * Each provider's list-models answer in its real shape: OpenAI's `{ object: "list", data }` (and the providers
 * that copy it), Anthropic's pages (`has_more`, `first_id`, `last_id`, asked on with `after_id`), Google's pages
 * (`nextPageToken`, asked on with `pageToken`, and models that only embed, which the app must filter out),
 * OpenRouter's public catalogue. Pages are small on purpose (Anthropic 2, Google 3 models at most), so that every
 * list spans several pages and the app's pagination is exercised.
 */

const ANTHROPIC_PAGE = 2;
const GOOGLE_PAGE = 3;

const openAiStyle = (owner: string, ids: string[]) =>
  json(200, {
    object: "list",
    data: ids.map((id, i) => ({ id, object: "model", created: 1_700_000_000 + i, owned_by: owner })),
  });

const ANTHROPIC_MODELS = [
  ["claude-opus-4-1", "Claude Opus 4.1"],
  ["claude-sonnet-4-5", "Claude Sonnet 4.5"],
  ["claude-haiku-4-5", "Claude Haiku 4.5"],
  ["claude-3-5-haiku-latest", "Claude Haiku 3.5"],
  ["claude-3-7-sonnet-latest", "Claude Sonnet 3.7"],
] as const;

const GOOGLE_MODELS = [
  ["gemini-2.5-pro", "Gemini 2.5 Pro", ["generateContent", "countTokens"]],
  ["gemini-2.5-flash", "Gemini 2.5 Flash", ["generateContent", "countTokens"]],
  ["text-embedding-004", "Text Embedding 004", ["embedContent"]],
  ["gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", ["generateContent"]],
  ["gemini-embedding-001", "Gemini Embedding 001", ["embedContent", "countTokens"]],
  ["gemini-2.0-flash", "Gemini 2.0 Flash", ["generateContent", "countTokens"]],
  ["imagen-4.0-generate-001", "Imagen 4", ["predict"]],
] as const;

/** The models whose ids the app should list for each provider (what the tests expect). */
export const FAKE_MODEL_IDS: Record<RegistryId, string[]> = {
  openai: ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3-mini", "text-embedding-3-small"],
  anthropic: ANTHROPIC_MODELS.map(([id]) => id),
  google: GOOGLE_MODELS.filter(([, , methods]) => (methods as readonly string[]).includes("generateContent")).map(
    ([id]) => id,
  ),
  mistral: ["mistral-large-latest", "mistral-small-latest", "codestral-latest"],
  groq: ["llama-3.3-70b-versatile", "llama-3.1-8b-instant", "gemma2-9b-it"],
  xai: ["grok-4", "grok-3-mini"],
  deepseek: ["deepseek-chat", "deepseek-reasoner"],
  openrouter: [
    "openai/gpt-4o-mini",
    "anthropic/claude-sonnet-4.5",
    "meta-llama/llama-3.3-70b-instruct",
    "google/gemini-2.5-flash",
  ],
};

function anthropicPage(query: URLSearchParams): Reply {
  const limit = Math.min(Number(query.get("limit") ?? 20) || 20, ANTHROPIC_PAGE);
  const after = query.get("after_id");
  const start = after ? ANTHROPIC_MODELS.findIndex(([id]) => id === after) + 1 : 0;
  const page = ANTHROPIC_MODELS.slice(start, start + limit);
  return json(200, {
    data: page.map(([id, name]) => ({ type: "model", id, display_name: name, created_at: "2025-09-29T00:00:00Z" })),
    has_more: start + limit < ANTHROPIC_MODELS.length,
    first_id: page[0]?.[0] ?? null,
    last_id: page.at(-1)?.[0] ?? null,
  });
}

function googlePage(query: URLSearchParams): Reply {
  const size = Math.min(Number(query.get("pageSize") ?? 50) || 50, GOOGLE_PAGE);
  const start = Number(query.get("pageToken")?.replace("page-", "") ?? 0) || 0;
  const page = GOOGLE_MODELS.slice(start, start + size);
  const more = start + size < GOOGLE_MODELS.length;
  return json(200, {
    models: page.map(([id, name, methods]) => ({
      name: `models/${id}`,
      version: "001",
      displayName: name,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: methods,
    })),
    ...(more ? { nextPageToken: `page-${start + size}` } : {}),
  });
}

/** The list endpoint's answer for a key the provider accepts (OpenRouter's needs no key at all). */
export function modelListReply(registryId: RegistryId, query: URLSearchParams): Reply {
  switch (registryId) {
    case "anthropic":
      return anthropicPage(query);
    case "google":
      return googlePage(query);
    case "openrouter":
      return json(200, {
        data: FAKE_MODEL_IDS.openrouter.map((id) => ({
          id,
          name: id.split("/")[1]!.replaceAll("-", " "),
          context_length: 128_000,
          pricing: { prompt: "0.000001", completion: "0.000002" },
        })),
      });
    case "mistral":
      return json(200, {
        object: "list",
        data: FAKE_MODEL_IDS.mistral.map((id) => ({
          id,
          object: "model",
          owned_by: "mistralai",
          name: id,
          capabilities: { completion_chat: true },
        })),
      });
    default:
      return openAiStyle(registryId, FAKE_MODEL_IDS[registryId]);
  }
}

/** A 200 that no provider would send for its model list: the app must not take it for one. */
export const ODD_MODEL_LIST: Reply = json(200, { status: "ok", result: { items: ["gpt-4o"] } });
