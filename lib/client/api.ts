/** The browser's side of the REST API: JSON in, JSON out, every failure turned into a sentence to show. */

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** Seconds, from Retry-After. */
  retryAfter?: number;
  fields?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

/** What a failure says when the server could not be reached, and when it answered nothing more useful. */
export const NETWORK_ERROR_MESSAGE = "Couldn't reach the server. Check your connection and try again.";
export const UNKNOWN_ERROR_MESSAGE = "Something went wrong. Please try again.";

const FALLBACK: Record<number, string> = {
  401: "Your session has expired. Sign in again to continue.",
  429: "Too many requests. Please wait a moment and try again.",
  502: "The provider could not be reached. Please try again.",
  503: "The service is unavailable right now. Please try again shortly.",
};

export async function requestJson<T>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    return {
      ok: false,
      error: { status: 0, code: "network_error", message: NETWORK_ERROR_MESSAGE },
    };
  }
  const data: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { ok: true, data: data as T };
  const payload = (data ?? {}) as { error?: unknown; code?: unknown; fields?: Record<string, string> };
  const retryAfter = Number(response.headers.get("retry-after")) || undefined;
  return {
    ok: false,
    error: {
      status: response.status,
      code: typeof payload.code === "string" ? payload.code : "unknown_error",
      message:
        typeof payload.error === "string"
          ? payload.error
          : (FALLBACK[response.status] ?? UNKNOWN_ERROR_MESSAGE),
      retryAfter,
      fields: payload.fields,
    },
  };
}
