import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from "zod-openapi";

/**
 * The gateway (/api/v1) in the OpenAPI document: it speaks OpenAI's and Anthropic's own APIs, whose references
 * describe the bodies; this says where each one is, how it is authenticated (an access token, never a session)
 * and the statuses it answers, each error in that API's own shape.
 */

const openAiError = z
  .object({ error: z.object({ message: z.string(), type: z.string(), param: z.null().optional(), code: z.string() }) })
  .meta({ id: "OpenAiError" });
const anthropicError = z
  .object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }) })
  .meta({ id: "AnthropicError" });

const errors = (schema: z.ZodType, statuses: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema } } },
    ]),
  );

const COMMON = {
  "400": "Malformed body (at most 4 MiB), naming the field",
  "401": "Missing, unknown, revoked or expired access token",
  "402": "A monthly budget (the key's or the token's) is spent: `budget_exceeded`",
  "403": "The provider is outside the token's providers",
  "404": "Unknown provider or model, or no usable key",
  "413": "Body over 4 MiB",
  "429": "Over RATE_LIMIT_GATEWAY_PER_MINUTE for this token, or the provider's own limit (see Retry-After)",
  "502": "The provider could not answer with any of the user's keys",
  "503": "The database or the key service is unavailable",
};

const security = [{ accessToken: [] }];
const anyJson = z.looseObject({});

function proxied(summary: string, docs: string, error: z.ZodType, stream: boolean): ZodOpenApiOperationObject {
  return {
    summary,
    security,
    externalDocs: { url: docs },
    requestBody: { required: true, content: { "application/json": { schema: anyJson } } },
    responses: {
      "200": {
        description: stream
          ? "The answer, whole (JSON) or streamed (server-sent events with `stream: true`)"
          : "The answer",
        content: {
          "application/json": { schema: anyJson },
          ...(stream ? { "text/event-stream": { schema: z.string() } } : {}),
        },
      },
      ...errors(error, COMMON),
    },
  };
}

const preflight: ZodOpenApiOperationObject = {
  summary: "CORS preflight: any origin, no credentials",
  responses: { "204": { description: "Allowed" } },
};

export const gatewayPaths: ZodOpenApiPathsObject = {
  "/api/v1/models": {
    get: {
      summary: "OpenAI's model list over the token's providers with a usable key, named <provider>/<model>",
      security,
      externalDocs: { url: "https://platform.openai.com/docs/api-reference/models/list" },
      responses: {
        "200": {
          description: "The models",
          content: {
            "application/json": {
              schema: z.object({
                object: z.literal("list"),
                data: z.array(
                  z.object({
                    id: z.string(),
                    object: z.literal("model"),
                    created: z.number().int(),
                    owned_by: z.string(),
                  }),
                ),
              }),
            },
          },
        },
        ...errors(openAiError, { "401": COMMON["401"], "429": COMMON["429"], "503": COMMON["503"] }),
      },
    },
    options: preflight,
  },
  "/api/v1/chat/completions": {
    post: proxied(
      "OpenAI Chat Completions over the user's own keys (model `<provider>/<model>`)",
      "https://platform.openai.com/docs/api-reference/chat/create",
      openAiError,
      true,
    ),
    options: preflight,
  },
  "/api/v1/messages": {
    post: proxied(
      "Anthropic Messages over the user's Anthropic keys (Anthropic SDK base URL: <site>/api)",
      "https://docs.anthropic.com/en/api/messages",
      anthropicError,
      true,
    ),
    options: preflight,
  },
};
