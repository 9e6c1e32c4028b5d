import { describe, expect, it } from "vitest";
import type { RegistryId } from "@/lib/domain/catalogue";
import { classifyKeyCheck, type Reason } from "@/lib/providers/key-verdict";
import type { KeyStatus } from "@/lib/domain/key-status";
import { PROVIDER_API, type ProviderApi } from "@/lib/providers/provider-api";

type Case = [status: number, body: unknown, expected: `${KeyStatus}/${Reason}`, why: string];

const openAiError = (message: string, code: string | null) => ({
  error: { message, type: "invalid_request_error", param: null, code },
});
const anthropicError = (type: string, message: string) => ({ type: "error", error: { type, message } });
const googleError = (code: number, status: string, message: string, reason?: string) => ({
  error: {
    code,
    status,
    message,
    ...(reason ? { details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason }] } : {}),
  },
});
const xaiStatus = (flags: Record<string, boolean>) => ({
  redacted_api_key: "xai-...b14o",
  api_key_blocked: false,
  api_key_disabled: false,
  team_blocked: false,
  ...flags,
});
const openRouterKey = (limit_remaining: number | null) => ({
  data: { label: "sk-or-v1-abc...def", usage: 10, limit_remaining, is_free_tier: false },
});

/** Each provider's answers as its API gives them, the quirks first, then near misses that must fall to the shared rules. */
const CASES: Record<RegistryId, Case[]> = {
  openai: [
    [200, { object: "list", data: [{ id: "gpt-4o-mini" }] }, "valid/accepted", "the model list"],
    [401, openAiError("Incorrect API key provided: sk-proj-…", "invalid_api_key"), "invalid/rejected", "a bad key"],
    [
      401,
      openAiError("You have insufficient permissions for this operation. Missing scopes: api.model.read.", null),
      "limited/missing_scope",
      "a restricted key",
    ],
    [
      401,
      openAiError("Something else went wrong.", null),
      "invalid/rejected",
      "code null alone is not a scope problem",
    ],
    [429, openAiError("You exceeded your current quota.", "insufficient_quota"), "limited/no_credit", "no credit"],
    [429, openAiError("Rate limit reached for requests", "rate_limit_exceeded"), "limited/rate_limited", "throttled"],
    [
      403,
      openAiError("Country, region, or territory not supported", "unsupported_country_region_territory"),
      "limited/no_access",
      "no access",
    ],
  ],
  anthropic: [
    [200, { data: [{ type: "model", id: "claude-sonnet-4-5" }], has_more: false }, "valid/accepted", "the model list"],
    [401, anthropicError("authentication_error", "invalid x-api-key"), "invalid/rejected", "a bad key"],
    [
      403,
      anthropicError("permission_error", "Your API key does not have permission."),
      "limited/missing_scope",
      "a key without the permission",
    ],
    [403, { message: "Forbidden" }, "unreachable/unexpected_answer", "a 403 that is not Anthropic's envelope"],
    [404, anthropicError("not_found_error", "API key disabled"), "invalid/disabled", "a disabled key"],
    [404, "Not Found", "unreachable/unexpected_answer", "a bare 404 (a wrong base URL)"],
    [529, anthropicError("overloaded_error", "Overloaded"), "unreachable/server_error", "overloaded"],
  ],
  google: [
    [200, { models: [{ name: "models/gemini-2.5-flash" }] }, "valid/accepted", "the model list"],
    [200, { data: [] }, "unreachable/unexpected_answer", "an OpenAI-shaped list is not Google's"],
    [
      400,
      googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"),
      "invalid/rejected",
      "a bad key",
    ],
    [
      400,
      googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."),
      "invalid/rejected",
      "a bad key, no details",
    ],
    [
      400,
      googleError(400, "INVALID_ARGUMENT", "Invalid page size.", "BAD_REQUEST"),
      "unreachable/unexpected_answer",
      "another 400",
    ],
    [
      403,
      googleError(403, "PERMISSION_DENIED", "Generative Language API has not been used in this project."),
      "limited/no_access",
      "no Gemini access",
    ],
    [429, googleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted."), "limited/rate_limited", "throttled"],
  ],
  mistral: [
    [200, { object: "list", data: [{ id: "mistral-small-latest" }] }, "valid/accepted", "the model list"],
    [401, { message: "Unauthorized" }, "invalid/rejected", "a bad key"],
    [402, { message: "Payment required" }, "unreachable/unexpected_answer", "402 is DeepSeek's, not a shared rule"],
  ],
  groq: [
    [200, { object: "list", data: [{ id: "llama-3.3-70b-versatile" }] }, "valid/accepted", "the model list"],
    [401, openAiError("Invalid API Key", "invalid_api_key"), "invalid/rejected", "a bad key"],
    [
      403,
      openAiError("Forbidden", null),
      "unreachable/unexpected_answer",
      "403 is OpenAI's no-access, not a shared rule",
    ],
  ],
  xai: [
    [200, xaiStatus({}), "valid/accepted", "the key's status"],
    [200, xaiStatus({ api_key_blocked: true }), "invalid/disabled", "a blocked key"],
    [200, xaiStatus({ api_key_disabled: true }), "invalid/disabled", "a disabled key"],
    [200, xaiStatus({ team_blocked: true }), "invalid/disabled", "a blocked team"],
    [200, { api_key_blocked: true }, "unreachable/unexpected_answer", "flags without the key status around them"],
    [
      400,
      { code: "Client specified an invalid argument", error: "Incorrect API key provided: xa***b14o." },
      "invalid/rejected",
      "a bad key",
    ],
    [
      400,
      { code: "Client specified an invalid argument", error: "Malformed request" },
      "unreachable/unexpected_answer",
      "another 400",
    ],
    [401, { error: "Unauthorized" }, "invalid/rejected", "a bad key, the other way"],
    [403, { code: "Forbidden", error: "Your team has no credits." }, "limited/no_credit", "no credit"],
  ],
  deepseek: [
    [200, { object: "list", data: [{ id: "deepseek-chat" }] }, "valid/accepted", "the model list"],
    [
      401,
      { error: { message: "Authentication Fails, Your api key: ****abcd is invalid", type: "authentication_error" } },
      "invalid/rejected",
      "a bad key",
    ],
    [402, { error: { message: "Insufficient Balance", type: "unknown_error" } }, "limited/no_credit", "no credit"],
  ],
  openrouter: [
    [200, openRouterKey(null), "valid/accepted", "a key without a limit"],
    [200, openRouterKey(3.5), "valid/accepted", "a key with credit left"],
    [200, openRouterKey(0), "limited/no_credit", "a key at its limit"],
    [200, { data: null }, "unreachable/unexpected_answer", "not the key's limits"],
    [401, { error: { message: "No auth credentials found", code: 401 } }, "invalid/rejected", "a bad key"],
    [402, { error: { message: "Insufficient credits", code: 402 } }, "limited/no_credit", "no credit"],
  ],
};

const verdictOf = (api: ProviderApi, status: number, body: unknown) => {
  const { status: keyStatus, reason } = classifyKeyCheck(api.keyCheck, status, body);
  return `${keyStatus}/${reason}`;
};

describe.each(Object.keys(CASES) as RegistryId[])("%s key check answers", (registryId) => {
  it.each(CASES[registryId])("HTTP %i %j → %s (%s)", (status, body, expected) => {
    expect(verdictOf(PROVIDER_API[registryId], status, body)).toBe(expected);
  });

  it("follow the shared rules where the provider has no quirk", () => {
    const api = PROVIDER_API[registryId];
    expect(verdictOf(api, 500, { error: "boom" })).toBe("unreachable/server_error");
    expect(verdictOf(api, 503, undefined)).toBe("unreachable/server_error");
    expect(verdictOf(api, 429, undefined)).toBe("limited/rate_limited");
    expect(verdictOf(api, 200, undefined)).toBe("unreachable/unexpected_answer");
    expect(verdictOf(api, 200, "<html>captive portal</html>")).toBe("unreachable/unexpected_answer");
    expect(verdictOf(api, 401, undefined)).toBe("invalid/rejected");
    expect(verdictOf(api, 418, undefined)).toBe("unreachable/unexpected_answer");
  });
});

describe("the key's headers", () => {
  const EXPECTED: Record<RegistryId, Record<string, string>> = {
    openai: { authorization: "Bearer KEY" },
    anthropic: { "x-api-key": "KEY", "anthropic-version": "2023-06-01" },
    google: { "x-goog-api-key": "KEY" },
    mistral: { authorization: "Bearer KEY" },
    groq: { authorization: "Bearer KEY" },
    xai: { authorization: "Bearer KEY" },
    deepseek: { authorization: "Bearer KEY" },
    openrouter: { authorization: "Bearer KEY" },
  };
  it.each(Object.entries(EXPECTED))("%s: %j", (registryId, headers) => {
    expect(PROVIDER_API[registryId as RegistryId].authHeaders("KEY")).toEqual(headers);
  });
});

describe("a new provider", () => {
  // Everything a provider without quirks needs: no classifier of its own, only what a good 200 looks like.
  const newcomer: ProviderApi = {
    authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
    keyCheck: {
      path: "/v1/me",
      proves: "read its own account",
      accepts: (body) => typeof body === "object" && body !== null && "account" in body,
    },
    models: { path: "/v1/models", provesKey: true, read: () => ({ models: [] }) },
  };

  it.each<Case>([
    [200, { account: "acct_1" }, "valid/accepted", "its own answer"],
    [200, { data: [] }, "unreachable/unexpected_answer", "someone else's answer"],
    [401, { error: "bad key" }, "invalid/rejected", "a bad key"],
    [429, {}, "limited/rate_limited", "throttled"],
    [502, {}, "unreachable/server_error", "its trouble"],
    [400, { error: "bad key" }, "unreachable/unexpected_answer", "a 400 is nobody's verdict without an exception"],
  ])("HTTP %i %j → %s (%s)", (status, body, expected) => {
    expect(verdictOf(newcomer, status, body)).toBe(expected);
  });

  it("gets its quirks through exceptions, asked before the shared rules", () => {
    const quirky: ProviderApi = {
      ...newcomer,
      keyCheck: {
        ...newcomer.keyCheck,
        exceptions(status) {
          if (status === 400) return { status: "invalid", reason: "rejected" };
          if (status === 503) return { status: "limited", reason: "no_credit" };
          return undefined;
        },
      },
    };
    expect(verdictOf(quirky, 400, { error: "bad key" })).toBe("invalid/rejected");
    expect(verdictOf(quirky, 503, {})).toBe("limited/no_credit");
    expect(verdictOf(quirky, 500, {})).toBe("unreachable/server_error");
  });
});

describe("model lists: each provider's page, read", () => {
  const read = (registryId: RegistryId, body: unknown) => PROVIDER_API[registryId].models.read(body);
  const openAiList = {
    object: "list",
    data: [
      { id: "gpt-4o", object: "model", owned_by: "openai" },
      { id: "o3-mini", object: "model" },
    ],
  };

  it.each(["openai", "groq", "xai", "deepseek"] as const)(
    "%s: { data: [{ id }] }, named by id, one page",
    (registryId) => {
      expect(read(registryId, openAiList)).toEqual({
        models: [
          { id: "gpt-4o", name: "gpt-4o" },
          { id: "o3-mini", name: "o3-mini" },
        ],
      });
      expect(PROVIDER_API[registryId].models).toMatchObject({ path: "/models", provesKey: true });
    },
  );

  it("mistral and openrouter: their display names when given", () => {
    expect(
      read("mistral", { object: "list", data: [{ id: "mistral-small-latest", name: "mistral-small-2506" }] }),
    ).toEqual({
      models: [{ id: "mistral-small-latest", name: "mistral-small-2506" }],
    });
    expect(read("openrouter", { data: [{ id: "openai/gpt-4o", name: "OpenAI: GPT-4o" }] })).toEqual({
      models: [{ id: "openai/gpt-4o", name: "OpenAI: GPT-4o" }],
    });
    // Its catalogue needs no key: a list proves nothing about the key's health.
    expect(PROVIDER_API.openrouter.models.provesKey).toBe(false);
  });

  it("anthropic: display names, and the next page from has_more and last_id", () => {
    const page = {
      data: [{ type: "model", id: "claude-sonnet-4-5", display_name: "Claude Sonnet 4.5" }],
      has_more: true,
      first_id: "claude-sonnet-4-5",
      last_id: "claude-sonnet-4-5",
    };
    expect(read("anthropic", page)).toEqual({
      models: [{ id: "claude-sonnet-4-5", name: "Claude Sonnet 4.5" }],
      next: { limit: "1000", after_id: "claude-sonnet-4-5" },
    });
    expect(read("anthropic", { ...page, has_more: false })?.next).toBeUndefined();
    expect(read("anthropic", { data: page.data })).toBeUndefined(); // no has_more: not Anthropic's page
    expect(PROVIDER_API.anthropic.models.query).toEqual({ limit: "1000" });
  });

  it("google: only models that generate content, without the models/ prefix, the next page from nextPageToken", () => {
    const page = {
      models: [
        {
          name: "models/gemini-2.5-flash",
          displayName: "Gemini 2.5 Flash",
          supportedGenerationMethods: ["generateContent", "countTokens"],
        },
        {
          name: "models/text-embedding-004",
          displayName: "Text Embedding 004",
          supportedGenerationMethods: ["embedContent"],
        },
        { name: "models/aqa", supportedGenerationMethods: ["generateAnswer"] },
      ],
      nextPageToken: "tok-2",
    };
    expect(read("google", page)).toEqual({
      models: [{ id: "gemini-2.5-flash", name: "Gemini 2.5 Flash" }],
      next: { pageSize: "1000", pageToken: "tok-2" },
    });
    expect(read("google", { models: [] })).toEqual({ models: [], next: undefined });
  });

  it.each(Object.keys(PROVIDER_API) as RegistryId[])("%s: a foreign shape is not a model list", (registryId) => {
    for (const body of [
      undefined,
      "<html>",
      {},
      { data: "x" },
      { models: {} },
      { data: [{ name: "no id" }] },
      { models: [{ displayName: "no name" }] },
      { status: "ok", result: { items: [] } },
    ]) {
      expect(read(registryId, body), JSON.stringify(body)).toBeUndefined();
    }
  });
});
