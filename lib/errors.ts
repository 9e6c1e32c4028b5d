/**
 * The one typed error of the app. Every failure a client may see has a code here, and the code alone decides the
 * HTTP status. The message is a human sentence safe to send; the cause (driver error, stack) is for logs only.
 */
const STATUS = {
  invalid_json: 400,
  invalid_body: 400,
  invalid_query: 400,
  invalid_api_key: 400,
  wrong_password: 400,
  endpoint_not_allowed: 400,
  unauthorized: 401,
  budget_exceeded: 402,
  forbidden: 403,
  feature_disabled: 403,
  cross_origin: 403,
  not_found: 404,
  provider_not_found: 404,
  api_key_not_found: 404,
  endpoint_not_found: 404,
  token_not_found: 404,
  balance_not_supported: 404,
  email_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  api_key_undecryptable: 409,
  api_key_disabled: 409,
  endpoint_limit_reached: 409,
  too_many_keys: 409,
  label_taken: 409,
  token_limit_reached: 409,
  rate_limited: 429,
  internal_error: 500,
  provider_unreachable: 502,
  database_unavailable: 503,
  key_service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Seconds until a retry may succeed; sent as `Retry-After` on 429/503. */
  readonly retryAfter: number | undefined;
  /** Extra fields for the JSON answer, e.g. `{ fields: { apiKey: "…" } }`. Must be safe to send. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryAfter?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryAfter = options.retryAfter;
    this.details = options.details;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super("database_unavailable", "The database is unavailable right now. Nothing was changed; please try again.", {
      cause,
      retryAfter: 5,
    });
    this.name = "DatabaseUnavailableError";
  }
}

/** A stored key the keyring cannot open: tampered, moved to another row, or sealed by a retired key. */
export class KeyDecryptionError extends AppError {
  readonly reason: "unknown_key_id" | "malformed" | "authentication_failed";

  constructor(reason: KeyDecryptionError["reason"], options: { cause?: unknown } = {}) {
    super(
      "api_key_undecryptable",
      reason === "unknown_key_id"
        ? "This API key was encrypted with a key the server no longer has. Please enter it again."
        : "This API key could not be decrypted. Please enter it again.",
      options,
    );
    this.name = "KeyDecryptionError";
    this.reason = reason;
  }
}

/**
 * The key-encryption key cannot be used right now (its HSM does not answer, or failed): nothing that needs a key's
 * plaintext can be done, and nothing is lost. Lists and pages never need it (they decrypt nothing).
 */
export class KeyServiceUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super(
      "key_service_unavailable",
      "Stored keys cannot be opened right now: the key service is not answering. Nothing was lost or changed; please try again in a moment.",
      { cause, retryAfter: 5 },
    );
    this.name = "KeyServiceUnavailableError";
  }
}

/**
 * A custom endpoint's URL, or an address it resolves to, that the outbound guard (lib/net/outbound.ts) refuses.
 * Raised before any connection is made; `reason` completes "This endpoint is not allowed: …".
 */
export class EndpointNotAllowedError extends AppError {
  readonly reason: string;

  constructor(reason: string) {
    super("endpoint_not_allowed", `This endpoint is not allowed: ${reason}.`);
    this.name = "EndpointNotAllowedError";
    this.reason = reason;
  }
}
