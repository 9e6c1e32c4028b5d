import "server-only";
import { AppError } from "@/lib/errors";
import { logFailure } from "@/lib/failure-log";

/**
 * The gateway answers errors in the shape of the API it speaks (CONTRACT-WAVE3 "Gateway"): OpenAI's
 * `{ "error": { "message", "type", "code" } }` on /api/v1/models and /chat/completions, Anthropic's
 * `{ "type": "error", "error": { "type", "message" } }` on /messages; the status decides how SDKs raise it.
 */
export type WireFormat = "openai" | "anthropic";

type Kind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "billing"
  | "too_large"
  | "rate_limit"
  | "upstream"
  | "unavailable";

const STATUS: Record<Kind, number> = {
  invalid_request: 400,
  authentication: 401,
  billing: 402,
  permission: 403,
  not_found: 404,
  too_large: 413,
  rate_limit: 429,
  upstream: 502,
  unavailable: 503,
};

const OPENAI_TYPE: Record<Kind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "invalid_request_error",
  billing: "insufficient_quota",
  permission: "permission_error",
  not_found: "invalid_request_error",
  too_large: "invalid_request_error",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  unavailable: "api_error",
};

const ANTHROPIC_TYPE: Record<Kind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  billing: "billing_error",
  permission: "permission_error",
  not_found: "not_found_error",
  too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  unavailable: "api_error",
};

export class GatewayError extends Error {
  constructor(
    readonly kind: Kind,
    /** A machine code for OpenAI's `code` (e.g. `model_not_found`, `budget_exceeded`). */
    readonly code: string,
    message: string,
    /** A provider's status to answer with instead of the kind's (its own 4xx for a request it refused). */
    readonly statusOverride?: number,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "GatewayError";
  }

  get status(): number {
    return this.statusOverride ?? STATUS[this.kind];
  }
}

/** Every answer of the gateway may be read by a page of any origin: tokens, never cookies, carry the authority. */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, x-key-hint, retry-after",
} as const;

/** Our typed errors as the gateway says them (the database down, the key service down, a 429 of our own…). */
function fromAppError(error: AppError): GatewayError {
  const kind: Kind =
    error.status === 503
      ? "unavailable"
      : error.status === 429
        ? "rate_limit"
        : error.status === 402
          ? "billing"
          : error.status === 404
            ? "not_found"
            : error.status === 401
              ? "authentication"
              : error.status === 403
                ? "permission"
                : error.status >= 500
                  ? "upstream"
                  : "invalid_request";
  return new GatewayError(kind, error.code, error.message, undefined, error.retryAfter);
}

export function gatewayErrorResponse(format: WireFormat, caught: unknown, where: string): Response {
  const error =
    caught instanceof GatewayError
      ? caught
      : caught instanceof AppError
        ? fromAppError(caught)
        : new GatewayError("upstream", "internal_error", "Something went wrong on our side.");
  // Through the one failure logger: an error's own message may list a statement's parameters (drizzle's does).
  if (!(caught instanceof GatewayError) && !(caught instanceof AppError)) logFailure("gateway", where, caught);
  const body =
    format === "openai"
      ? { error: { message: error.message, type: OPENAI_TYPE[error.kind], param: null, code: error.code } }
      : { type: "error", error: { type: ANTHROPIC_TYPE[error.kind], message: error.message } };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...CORS_HEADERS,
  };
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** The answer to a CORS preflight: any origin, the methods and headers the SDKs send; no credentials. */
export function preflight(request: Request, methods: string): Response {
  const asked = request.headers.get("access-control-request-headers");
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      "access-control-allow-methods": `${methods}, OPTIONS`,
      "access-control-allow-headers":
        asked && /^[\w\-, ]{1,2000}$/.test(asked) ? asked : "authorization, content-type, x-api-key, anthropic-version",
      "access-control-max-age": "86400",
    },
  });
}
