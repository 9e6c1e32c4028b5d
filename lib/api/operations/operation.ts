import type { z } from "zod";
import type { ErrorCode } from "@/lib/errors";
import type { FeatureFlag } from "@/lib/feature-flags";

/**
 * Every operation of the REST API, declared once: the guard (handler.ts) takes its flag, body schema and status
 * from here, the route's handler must return its `response` shape (checked by the compiler), and the OpenAPI
 * document (openapi.ts) is generated from the same table.
 */
export interface Operation<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** With `{name}` for each dynamic segment, described by `params`. */
  path: string;
  /** The path's dynamic segments (an object schema); omitted for fixed paths. */
  params?: P;
  summary: string;
  /** Whether a session is required (401 without one, or once it has ended). */
  signedIn: boolean;
  /** The handler's single statement checks that the session is live (401 when not), so the guard does not. */
  sessionCheckedByHandler?: true;
  /** The operation answers 403 while this flag is off. */
  flag?: FeatureFlag;
  /** The JSON body's schema; omitted for operations without a body. */
  body?: B;
  /** The largest body read (413 beyond); the guard's MAX_BODY_BYTES (16 KiB) when omitted. */
  maxBodyBytes?: number;
  /** The same success may also be answered as CSV (on `Accept: text/csv`): what the CSV holds. */
  csv?: string;
  /** A success that is a stream rather than JSON: its content type and what it carries (for the OpenAPI document). */
  stream?: { contentType: "text/event-stream"; description: string };
  /** The query string's schema (a strict object of strings); omitted for operations that take none. */
  query?: Q;
  /** Status and shape of a successful answer. */
  status: number;
  response: R;
  /** Failures particular to this operation; those every guarded route can give are added by `errorCodesOf`. */
  errors: readonly ErrorCode[];
}

export const operation = <
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  S extends boolean,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Operation<B, R, P, Q> & { signedIn: S },
) => spec;

/** The flag of the key management routes (keys, models, endpoints, provider settings). */
export const keyManagementFlag = "showApiKeyManagement" satisfies FeatureFlag;

const GUARD_ERRORS = {
  always: ["database_unavailable"],
  signedIn: ["unauthorized"],
  flag: ["feature_disabled"],
  stateChange: ["cross_origin"],
  body: ["unsupported_media_type", "payload_too_large", "invalid_json", "invalid_body"],
  query: ["invalid_query"],
} as const satisfies Record<string, readonly ErrorCode[]>;

/** Every error code an operation can answer with: its own, and the guard's. */
export function errorCodesOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...GUARD_ERRORS.always, ...op.errors]);
  if (op.signedIn) GUARD_ERRORS.signedIn.forEach((c) => codes.add(c));
  if (op.flag) GUARD_ERRORS.flag.forEach((c) => codes.add(c));
  if (op.method !== "get") GUARD_ERRORS.stateChange.forEach((c) => codes.add(c));
  if (op.body) GUARD_ERRORS.body.forEach((c) => codes.add(c));
  if (op.query) GUARD_ERRORS.query.forEach((c) => codes.add(c));
  return [...codes];
}
