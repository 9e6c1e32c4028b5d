import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { assertLiveSession, requestSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { type FeatureFlag, featureOffMessage, isFeatureEnabled } from "@/lib/feature-flags";
import { parseJsonBody } from "@/lib/http/body";
import { parseQuery } from "./query";
import type { Operation } from "./operations";
import { assertSameOrigin } from "@/lib/http/origin";
import { json, toErrorResponse } from "./respond";

type Body<B> = B extends z.ZodType ? z.output<B> : undefined;
type Params<P> = P extends z.ZodType ? z.output<P> : Record<string, never>;
type Query<Q> = Q extends z.ZodType ? z.output<Q> : undefined;
/** What a handler returns: the operation's documented shape, or a Response of its own (e.g. a stream). */
type Result<R extends z.ZodType> = Promise<z.input<R> | Response>;

export interface PublicContext<B, P = Record<string, never>, Q = undefined> {
  request: NextRequest;
  body: B;
  /** The dynamic segments of the path (`/api/user/endpoints/[id]` → `{ id }`), parsed by the operation's `params`. */
  params: P;
  /** The parsed query string, for operations that declare one. */
  query: Q;
}

export interface UserContext<B, P = Record<string, never>, Q = undefined> extends PublicContext<B, P, Q> {
  userId: string;
  /** The Session row of the request's token (lib/db/sessions.ts). */
  sessionId: string;
}

/** What Next passes a route handler after the request. */
export interface RouteContext {
  params?: Promise<Record<string, string | string[] | undefined>>;
}

type RouteHandler = (request: NextRequest, context?: RouteContext) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function featureGuard(flag: FeatureFlag | undefined): void {
  if (flag && !isFeatureEnabled(flag)) throw new AppError("feature_disabled", featureOffMessage(flag));
}

async function parseParams<P extends z.ZodType | undefined>(
  op: Operation<z.ZodType | undefined, z.ZodType, P, z.ZodType | undefined>,
  context?: RouteContext,
) {
  if (!op.params) return {} as Params<P>;
  const parsed = op.params.safeParse((await context?.params) ?? {});
  if (!parsed.success) throw new AppError("not_found", "There is nothing at this address.");
  return parsed.data as Params<P>;
}

type Schema = z.ZodType | undefined;

async function handle<B extends Schema, R extends z.ZodType, P extends Schema, Q extends Schema>(
  request: NextRequest,
  context: RouteContext | undefined,
  op: Operation<B, R, P, Q>,
  handler: (context: UserContext<Body<B>, Params<P>, Query<Q>>) => Result<R>,
): Promise<Response> {
  try {
    featureGuard(op.flag);
    const session = op.signedIn ? await requestSession(request) : { userId: "", sessionId: "", email: "" };
    if (op.signedIn && !op.sessionCheckedByHandler) await assertLiveSession(session);
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    const params = await parseParams(op, context);
    const query = (op.query ? parseQuery(request.nextUrl, op.query) : undefined) as Query<Q>;
    const body = (op.body ? await parseJsonBody(request, op.body, op.maxBodyBytes) : undefined) as Body<B>;
    const result = await handler({
      request,
      userId: session.userId,
      sessionId: session.sessionId,
      body,
      params,
      query,
    });
    return result instanceof Response ? result : json(result, op.status);
  } catch (error) {
    return toErrorResponse(error, `${request.method} ${request.nextUrl.pathname}`);
  }
}

/**
 * The one guard every API route goes through, in this order: feature flag (403) → session, and that it has not
 * ended (401; one statement, unless the operation's own statement checks it) → same origin for state changes
 * (403) → path parameters (404) → query string (400) → content type (415) → size (413) → JSON (400) → schema
 * (400) → handler. The operation (operations.ts) supplies the flag, the schemas and the success status. Typed errors map to
 * their status; anything else is logged and answered with a generic 500.
 */
export function userRoute<
  B extends Schema,
  R extends z.ZodType,
  P extends Schema = undefined,
  Q extends Schema = undefined,
>(
  op: Operation<B, R, P, Q> & { signedIn: true },
  handler: (context: UserContext<Body<B>, Params<P>, Query<Q>>) => Result<R>,
): RouteHandler {
  return (request, context) => handle(request, context, op, handler);
}

/** The same guard without a session (sign-up). */
export function publicRoute<
  B extends Schema,
  R extends z.ZodType,
  P extends Schema = undefined,
  Q extends Schema = undefined,
>(
  op: Operation<B, R, P, Q> & { signedIn: false },
  handler: (context: PublicContext<Body<B>, Params<P>, Query<Q>>) => Result<R>,
): RouteHandler {
  return (request, context) => handle(request, context, op, handler);
}
