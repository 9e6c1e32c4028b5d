import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { assertLiveSession, requestSession } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { type FeatureFlag, featureOffMessage, isFeatureEnabled } from "@/lib/feature-flags";
import { parseJsonBody } from "./body";
import type { Operation } from "./operations";
import { assertSameOrigin } from "./origin";
import { json, toErrorResponse } from "./respond";

type Body<B> = B extends z.ZodType ? z.output<B> : undefined;
type Params<P> = P extends z.ZodType ? z.output<P> : Record<string, never>;
/** What a handler returns: the operation's documented shape, or a Response of its own (e.g. a stream). */
type Result<R extends z.ZodType> = Promise<z.input<R> | Response>;

export interface PublicContext<B, P = Record<string, never>> {
  request: NextRequest;
  body: B;
  /** The dynamic segments of the path (`/api/user/endpoints/[id]` → `{ id }`), parsed by the operation's `params`. */
  params: P;
}

export interface UserContext<B, P = Record<string, never>> extends PublicContext<B, P> {
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

async function parseParams<P extends z.ZodType | undefined>(op: Operation<z.ZodType | undefined, z.ZodType, P>, context?: RouteContext) {
  if (!op.params) return {} as Params<P>;
  const parsed = op.params.safeParse((await context?.params) ?? {});
  if (!parsed.success) throw new AppError("not_found", "There is nothing at this address.");
  return parsed.data as Params<P>;
}

async function handle<B extends z.ZodType | undefined, R extends z.ZodType, P extends z.ZodType | undefined>(
  request: NextRequest,
  context: RouteContext | undefined,
  op: Operation<B, R, P>,
  handler: (context: UserContext<Body<B>, Params<P>>) => Result<R>,
): Promise<Response> {
  try {
    featureGuard(op.flag);
    const session = op.signedIn ? await requestSession(request) : { userId: "", sessionId: "", email: "" };
    if (op.signedIn && !op.sessionCheckedByHandler) await assertLiveSession(session);
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    const params = await parseParams(op, context);
    const body = (op.body ? await parseJsonBody(request, op.body) : undefined) as Body<B>;
    const result = await handler({ request, userId: session.userId, sessionId: session.sessionId, body, params });
    return result instanceof Response ? result : json(result, op.status);
  } catch (error) {
    return toErrorResponse(error, `${request.method} ${request.nextUrl.pathname}`);
  }
}

/**
 * The one guard every API route goes through, in this order: feature flag (403) → session, and that it has not
 * ended (401; one statement, unless the operation's own statement checks it) → same origin for state changes
 * (403) → path parameters → content type (415) → size (413) → JSON (400) → schema (400) → handler. The
 * operation (operations.ts) supplies the flag, the body schema and the success status. Typed errors map to
 * their status; anything else is logged and answered with a generic 500.
 */
export function userRoute<B extends z.ZodType | undefined, R extends z.ZodType, P extends z.ZodType | undefined = undefined>(
  op: Operation<B, R, P> & { signedIn: true },
  handler: (context: UserContext<Body<B>, Params<P>>) => Result<R>,
): RouteHandler {
  return (request, context) => handle(request, context, op, handler);
}

/** The same guard without a session (sign-up). */
export function publicRoute<B extends z.ZodType | undefined, R extends z.ZodType, P extends z.ZodType | undefined = undefined>(
  op: Operation<B, R, P> & { signedIn: false },
  handler: (context: PublicContext<Body<B>, Params<P>>) => Result<R>,
): RouteHandler {
  return (request, context) => handle(request, context, op, handler);
}
