/** The browser's side of the REST API: JSON in, JSON out, every failure turned into a sentence to show. */
import { ROUTES } from "./api-types";

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
      message: typeof payload.error === "string" ? payload.error : (FALLBACK[response.status] ?? UNKNOWN_ERROR_MESSAGE),
      retryAfter,
      fields: payload.fields,
    },
  };
}

type Operations = import("./api-types").operations;
type OperationName = keyof typeof ROUTES;
type Params<O, Where extends "path" | "query"> = O extends { parameters: { [K in Where]?: infer P } } ? P : never;
type Body<O> = O extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
type OptionalBody<O> = O extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type Present<T> = [T] extends [never] ? false : [T] extends [undefined] ? false : true;

/** What a call of that operation takes: its path parameters, its query, its JSON body, each when it has one. */
export type ApiInput<N extends OperationName> = (Present<Params<Operations[N], "path">> extends true
  ? { path: Params<Operations[N], "path"> }
  : unknown) &
  (Present<Params<Operations[N], "query">> extends true ? { query?: Params<Operations[N], "query"> } : unknown) &
  (Present<Body<Operations[N]>> extends true
    ? { body: Body<Operations[N]> }
    : Present<OptionalBody<Operations[N]>> extends true
      ? { body?: OptionalBody<Operations[N]> }
      : unknown);

type SuccessStatus = 200 | 201 | 202 | 204;
/** What that operation answers when it succeeds (undefined for an empty answer). */
export type ApiOutput<N extends OperationName> = Operations[N] extends { responses: infer R }
  ? {
      [S in keyof R & SuccessStatus]: R[S] extends { content: { "application/json": infer J } } ? J : undefined;
    }[keyof R & SuccessStatus]
  : never;

/**
 * Calls an operation of the REST API by its name (its operationId), typed from the OpenAPI document
 * (lib/client/api-types.ts): the method, the path, its parameters, the body and the answer come from there, so no
 * component writes a URL or casts an answer.
 */
export function callApi<N extends OperationName>(
  name: N,
  ...[input]: object extends ApiInput<N> ? [input?: ApiInput<N>] : [input: ApiInput<N>]
) {
  const [method, template] = ROUTES[name];
  const given = (input ?? {}) as { path?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
  const path = template.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(String(given.path?.[key])));
  const query = Object.entries(given.query ?? {}).filter(([, value]) => value !== undefined && value !== null);
  const url =
    query.length === 0 ? path : `${path}?${new URLSearchParams(query.map(([key, value]) => [key, String(value)]))}`;
  const answer = requestJson<ApiOutput<N>>(method, url, given.body);
  return process.env.NODE_ENV === "production" ? answer : answer.then((result) => checked(name, result));
}

/**
 * In development and in tests, every success is parsed with its operation's schema (lib/api/answers.ts), and one
 * that does not match throws, naming the fields: a server and a browser that disagree are found where they meet. The
 * production build leaves this out, schemas and zod with it.
 */
async function checked<T>(name: string, result: ApiResult<T>): Promise<ApiResult<T>> {
  if (!result.ok) return result;
  const { answerProblem } = await import("@/lib/api/answers");
  const problem = answerProblem(name, result.data);
  if (problem) throw new Error(problem);
  return result;
}
