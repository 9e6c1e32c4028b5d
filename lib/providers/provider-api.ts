import "server-only";
import type { RegistryId } from "@/lib/domain/catalogue";
import { disabled, type KeyCheckSpec, limited, rejected } from "./key-verdict";

/**
 * How this server speaks to each provider's own HTTP API. Adding a provider is one entry here, beside its entry in
 * catalogue.ts and its AI SDK factory in ai-sdk.ts: what every provider answers alike is decided once, in
 * key-verdict.ts, so an entry names only what is particular to its provider: the headers that carry the key, the
 * key check, and how models are listed (path, pagination, the page's shape). Which chat protocol a provider
 * speaks belongs here as well, once something reads it.
 */
export interface ProviderApi {
  /** The headers that carry the key, for any request made to the provider. */
  authHeaders: (apiKey: string) => Record<string, string>;
  keyCheck: KeyCheckSpec;
  models: ModelListSpec;
}

export interface ModelInfo {
  id: string;
  name: string;
}

/** One page of a model list as read: its models, and the query of the next page when there is one. */
export interface ModelPage {
  models: ModelInfo[];
  next?: Record<string, string>;
}

/** How a provider lists the models a key can reach (model-list.ts walks the pages). */
export interface ModelListSpec {
  /** Appended to the base URL. */
  path: string;
  /** The first page's query (the largest page size the provider allows). */
  query?: Record<string, string>;
  /** One page of the provider's answer; undefined when the body is not the provider's shape. */
  read: (body: unknown) => ModelPage | undefined;
  /** Whether a 200 proves the key works (OpenRouter's list needs no key, so it proves nothing). */
  provesKey: boolean;
}

/** `body.a.b…` of a parsed JSON body whose shape nothing guarantees. */
function field(body: unknown, ...path: string[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/** `GET /models`, answered with `{ <listKey>: [...] }`: the cheapest authenticated call most providers have. */
const listModels = (listKey = "data"): KeyCheckSpec => ({
  path: "/models",
  proves: "list models",
  accepts: (body) => Array.isArray(field(body, listKey)),
});

const text = (value: unknown): value is string => typeof value === "string" && value !== "";

/** Each entry of a list as a model, or undefined when any entry lacks an id: a foreign shape, not a model list. */
function modelsOf(
  entries: unknown,
  toModel: (entry: unknown) => ModelInfo | undefined | null,
): ModelInfo[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const models: ModelInfo[] = [];
  for (const entry of entries) {
    const model = toModel(entry);
    if (model === undefined) return undefined;
    if (model) models.push(model);
  }
  return models;
}

/** `{ data: [{ id, name? }] }`: OpenAI and the providers that copy its API. */
const openAiModelList = (): ModelListSpec => ({
  path: "/models",
  provesKey: true,
  read(body) {
    const models = modelsOf(field(body, "data"), (m) => {
      const id = field(m, "id");
      const name = field(m, "name");
      return text(id) ? { id, name: text(name) ? name : id } : undefined;
    });
    return models && { models };
  },
});

const isXaiKeyStatus = (body: unknown) => field(body, "redacted_api_key") !== undefined;
const XAI_BLOCKED_FLAGS = ["api_key_blocked", "api_key_disabled", "team_blocked"];

export const PROVIDER_API: Record<RegistryId, ProviderApi> = {
  openai: {
    authHeaders: bearer,
    keyCheck: {
      ...listModels(),
      exceptions(status, body) {
        // A restricted key without the models scope: 401 with code null and a "Missing scopes" message. Real key.
        const message = String(field(body, "error", "message") ?? "");
        if (
          status === 401 &&
          field(body, "error", "code") === null &&
          /insufficient permissions|missing scopes/i.test(message)
        ) {
          return limited("missing_scope");
        }
        if (status === 429 && field(body, "error", "code") === "insufficient_quota") return limited("no_credit");
        if (status === 403) return limited("no_access");
        return undefined;
      },
    },
    models: openAiModelList(),
  },
  anthropic: {
    authHeaders: (apiKey) => ({ "x-api-key": apiKey, "anthropic-version": "2023-06-01" }),
    keyCheck: {
      ...listModels(),
      exceptions(status, body) {
        if (status === 403 && field(body, "error", "type") === "permission_error") return limited("missing_scope");
        // A disabled key is a 404 in Anthropic's error envelope; a bare 404 (a wrong base URL) proves nothing.
        if (status === 404 && field(body, "type") === "error") return disabled;
        return undefined;
      },
    },
    // Paginated: `has_more` and `last_id`, the next page asked for with `after_id`.
    models: {
      path: "/models",
      query: { limit: "1000" },
      provesKey: true,
      read(body) {
        const models = modelsOf(field(body, "data"), (m) => {
          const id = field(m, "id");
          const name = field(m, "display_name");
          return text(id) ? { id, name: text(name) ? name : id } : undefined;
        });
        const lastId = field(body, "last_id");
        if (!models || typeof field(body, "has_more") !== "boolean") return undefined;
        return {
          models,
          next: field(body, "has_more") === true && text(lastId) ? { limit: "1000", after_id: lastId } : undefined,
        };
      },
    },
  },
  google: {
    authHeaders: (apiKey) => ({ "x-goog-api-key": apiKey }),
    keyCheck: {
      ...listModels("models"),
      exceptions(status, body) {
        // Google answers 400 INVALID_ARGUMENT / API_KEY_INVALID for a bad key, not 401.
        const details = field(body, "error", "details");
        const reasons = Array.isArray(details) ? details.map((detail) => field(detail, "reason")) : [];
        const message = String(field(body, "error", "message"));
        if (status === 400 && (reasons.includes("API_KEY_INVALID") || /api key not valid/i.test(message)))
          return rejected;
        // A real key whose project has no access to the Gemini API.
        if (status === 403 && field(body, "error") !== undefined) return limited("no_access");
        return undefined;
      },
    },
    // Paginated with `nextPageToken` / `pageToken`; only models that generate content, named without "models/".
    models: {
      path: "/models",
      query: { pageSize: "1000" },
      provesKey: true,
      read(body) {
        const models = modelsOf(field(body, "models"), (m) => {
          const name = field(m, "name");
          const label = field(m, "displayName");
          const methods = field(m, "supportedGenerationMethods");
          if (!text(name)) return undefined;
          if (!Array.isArray(methods) || !methods.includes("generateContent")) return null;
          const id = name.replace(/^models\//, "");
          return { id, name: text(label) ? label : id };
        });
        const token = field(body, "nextPageToken");
        return models && { models, next: text(token) ? { pageSize: "1000", pageToken: token } : undefined };
      },
    },
  },
  mistral: { authHeaders: bearer, keyCheck: listModels(), models: openAiModelList() },
  groq: { authHeaders: bearer, keyCheck: listModels(), models: openAiModelList() },
  xai: {
    authHeaders: bearer,
    keyCheck: {
      // The key's own status: proves the key, and says whether it is blocked.
      path: "/api-key",
      proves: "read its own status",
      accepts: isXaiKeyStatus,
      exceptions(status, body) {
        if (status === 200 && isXaiKeyStatus(body) && XAI_BLOCKED_FLAGS.some((flag) => field(body, flag) === true)) {
          return disabled;
        }
        // xAI answers 400 "Incorrect API key provided" for a bad key (and 401 too, which the shared rules cover).
        if (status === 400 && /incorrect api key/i.test(String(field(body, "error")))) return rejected;
        if (status === 403) return limited("no_credit");
        return undefined;
      },
    },
    models: openAiModelList(),
  },
  deepseek: {
    authHeaders: bearer,
    keyCheck: { ...listModels(), exceptions: (status) => (status === 402 ? limited("no_credit") : undefined) },
    models: openAiModelList(),
  },
  openrouter: {
    authHeaders: bearer,
    keyCheck: {
      // `/models` needs no auth and proves nothing; `/key` does, and tells how much credit is left.
      path: "/key",
      proves: "read its own limits",
      accepts: (body) => typeof field(body, "data") === "object" && field(body, "data") !== null,
      exceptions(status, body) {
        const remaining = field(body, "data", "limit_remaining");
        if (status === 200 && typeof remaining === "number" && remaining <= 0) return limited("no_credit");
        if (status === 402) return limited("no_credit");
        return undefined;
      },
    },
    // The public catalogue: it needs no key, so a 200 says nothing about the key's health.
    models: { ...openAiModelList(), provesKey: false },
  },
};

/**
 * A custom endpoint (issue 13): any OpenAI-compatible server. The key, when there is one, is a Bearer token; an
 * endpoint saved without a key gets no Authorization header at all (never an empty one, never someone else's).
 */
export const ENDPOINT_API: ProviderApi = {
  authHeaders: (apiKey) => (apiKey === "" ? {} : bearer(apiKey)),
  keyCheck: listModels(),
  models: openAiModelList(),
};
