import type { ServerResponse } from "node:http";
import type { RegistryId } from "@/lib/domain/catalogue";
import type { Behaviour } from "./behaviours";

/** An HTTP answer: status, JSON (or text) body, extra headers. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };
export const json = (status: number, body: unknown): Reply => ({ status, body });

const openAiError = (status: number, message: string, type: string, code: string | null) =>
  json(status, { error: { message, type, param: null, code } });

/**
 * What each provider's key-check endpoint answers for each behaviour, with the real status, error shape and
 * wording (some echo part of the key, as the real ones do); undefined → the generic answer.
 */
export function keyCheckReply(registryId: RegistryId, behaviour: Behaviour, key: string): Reply | undefined {
  switch (registryId) {
    case "openai":
      return {
        valid: json(200, {
          object: "list",
          data: [{ id: "gpt-4o-mini", object: "model", created: 1, owned_by: "openai" }],
        }),
        invalid: openAiError(
          401,
          `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          "invalid_request_error",
          "invalid_api_key",
        ),
        scope: openAiError(
          401,
          "You have insufficient permissions for this operation. Missing scopes: api.model.read.",
          "invalid_request_error",
          null,
        ),
        limited: openAiError(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded"),
        nocredit: openAiError(
          429,
          "You exceeded your current quota, please check your plan and billing details.",
          "insufficient_quota",
          "insufficient_quota",
        ),
      }[behaviour as string];
    case "anthropic": {
      const error = (status: number, type: string, message: string) =>
        json(status, { type: "error", error: { type, message } });
      return {
        valid: json(200, {
          data: [
            {
              type: "model",
              id: "claude-sonnet-4-5",
              display_name: "Claude Sonnet 4.5",
              created_at: "2025-09-29T00:00:00Z",
            },
          ],
          has_more: false,
          first_id: "claude-sonnet-4-5",
          last_id: "claude-sonnet-4-5",
        }),
        invalid: error(401, "authentication_error", "invalid x-api-key"),
        scope: error(403, "permission_error", "Your API key does not have permission to use the specified resource."),
        disabled: error(404, "not_found_error", "API key disabled"),
        limited: error(429, "rate_limit_error", "Number of requests has exceeded your rate limit."),
        overloaded: error(529, "overloaded_error", "Overloaded"),
        error500: error(500, "api_error", "Internal server error"),
      }[behaviour as string];
    }
    case "google": {
      const error = (code: number, status: string, message: string, reason?: string) =>
        json(code, {
          error: {
            code,
            message,
            status,
            ...(reason
              ? {
                  details: [
                    {
                      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                      reason,
                      domain: "googleapis.com",
                      metadata: { service: "generativelanguage.googleapis.com" },
                    },
                  ],
                }
              : {}),
          },
        });
      return {
        valid: json(200, { models: [{ name: "models/gemini-2.5-flash", displayName: "Gemini 2.5 Flash" }] }),
        invalid: error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"),
        noaccess: error(
          403,
          "PERMISSION_DENIED",
          "Generative Language API has not been used in this project before or it is disabled.",
        ),
        limited: error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
      }[behaviour as string];
    }
    case "mistral":
      return {
        valid: json(200, {
          object: "list",
          data: [{ id: "mistral-small-latest", object: "model", owned_by: "mistralai" }],
        }),
        invalid: json(401, { message: "Unauthorized", request_id: "fake" }),
        limited: json(429, { message: "Requests rate limit exceeded" }),
      }[behaviour as string];
    case "groq":
      return {
        valid: json(200, {
          object: "list",
          data: [{ id: "llama-3.3-70b-versatile", object: "model", owned_by: "Meta" }],
        }),
        invalid: openAiError(401, "Invalid API Key", "invalid_request_error", "invalid_api_key"),
        limited: openAiError(429, "Rate limit reached", "tokens", "rate_limit_exceeded"),
      }[behaviour as string];
    case "xai": {
      const status = (blocked: boolean) =>
        json(200, {
          redacted_api_key: `xai-...${key.slice(-4)}`,
          user_id: "u1",
          name: "fake",
          create_time: "2025-01-01T00:00:00Z",
          modify_time: "2025-01-01T00:00:00Z",
          team_id: "t1",
          acls: ["api-key:model:*", "api-key:endpoint:*"],
          api_key_id: "k1",
          team_blocked: false,
          api_key_blocked: blocked,
          api_key_disabled: false,
        });
      return {
        valid: status(false),
        blocked: status(true),
        invalid: json(400, {
          code: "Client specified an invalid argument",
          error: `Incorrect API key provided: ${key.slice(0, 2)}***${key.slice(-4)}. You can obtain an API key from https://console.x.ai.`,
        }),
        limited: json(429, { code: "Too many requests", error: "Rate limit exceeded" }),
      }[behaviour as string];
    }
    case "deepseek":
      return {
        valid: json(200, { object: "list", data: [{ id: "deepseek-chat", object: "model", owned_by: "deepseek" }] }),
        invalid: json(401, {
          error: {
            message: `Authentication Fails, Your api key: ****${key.slice(-4)} is invalid`,
            type: "authentication_error",
            param: null,
            code: "invalid_request_error",
          },
        }),
        nocredit: json(402, {
          error: { message: "Insufficient Balance", type: "unknown_error", param: null, code: "invalid_request_error" },
        }),
        limited: json(429, { error: { message: "Rate limit reached", type: "rate_limit_error" } }),
      }[behaviour as string];
    case "openrouter": {
      // A key with a $20 credit limit: $12.50 left (`nocredit`: none left).
      const keyInfo = (remaining: number) =>
        json(200, {
          data: {
            label: `${key.slice(0, 12)}...${key.slice(-3)}`,
            limit: 20,
            usage: 20 - remaining,
            is_free_tier: false,
            limit_remaining: remaining,
            rate_limit: { requests: 10, interval: "10s" },
          },
        });
      return {
        valid: keyInfo(12.5),
        nocredit: keyInfo(0),
        invalid: json(401, { error: { message: "No auth credentials found", code: 401 } }),
        limited: json(429, { error: { message: "Rate limit exceeded", code: 429 } }),
      }[behaviour as string];
    }
  }
}

/** DeepSeek's `GET /user/balance`: $12.50 on the account for a valid key (`nocredit`: nothing, unavailable). */
export function deepseekBalanceReply(behaviour: Behaviour, key: string): Reply {
  const balance = (total: string) =>
    json(200, {
      is_available: total !== "0.00",
      balance_infos: [{ currency: "USD", total_balance: total, granted_balance: "0.00", topped_up_balance: total }],
    });
  if (behaviour === "valid" || behaviour === "cut" || behaviour === "slow") return balance("12.50");
  if (behaviour === "nocredit") return balance("0.00");
  return keyCheckReply("deepseek", behaviour, key) ?? keyCheckReply("deepseek", "invalid", key)!;
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const isText = typeof reply.body === "string";
  res.writeHead(reply.status, {
    "content-type": isText ? "text/plain" : "application/json",
    ...reply.headers,
  });
  res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
}
