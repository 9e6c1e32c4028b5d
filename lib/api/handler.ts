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
/** What a handler returns: the operation's documented shape, or a Response of its own (e.g. a stream). */
type Result<R extends z.ZodType> = Promise<z.input<R> | Response>;

export interface PublicContext<B> {
  request: NextRequest;
  body: B;
}

export interface UserContext<B> extends PublicContext<B> {
  userId: string;
  /** The Session row of the request's token (lib/db/sessions.ts). */
  sessionId: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function featureGuard(flag: FeatureFlag | undefined): void {
  if (flag && !isFeatureEnabled(flag)) throw new AppError("feature_disabled", featureOffMessage(flag));
}

async function handle<B extends z.ZodType | undefined, R extends z.ZodType>(
  request: NextRequest,
  op: Operation<B, R>,
  handler: (context: UserContext<Body<B>>) => Result<R>,
): Promise<Response> {
  try {
    featureGuard(op.flag);
    const session = op.signedIn ? await requestSession(request) : { userId: "", sessionId: "", email: "" };
    if (op.signedIn && !op.sessionCheckedByHandler) await assertLiveSession(session);
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    const body = (op.body ? await parseJsonBody(request, op.body) : undefined) as Body<B>;
    const result = await handler({ request, userId: session.userId, sessionId: session.sessionId, body });
    return result instanceof Response ? result : json(result, op.status);
  } catch (error) {
    return toErrorResponse(error, `${request.method} ${request.nextUrl.pathname}`);
  }
}

/**
 * The one guard every API route goes through, in this order: feature flag (403) → session, and that it has not
 * ended (401; one statement, unless the operation's own statement checks it) → same origin
 * for state changes (403) → content type (415) → size (413) → JSON (400) → schema (400) → handler. The
 * operation (operations.ts) supplies the flag, the body schema and the success status. Typed errors map to
 * their status; anything else is logged and answered with a generic 500.
 */
export function userRoute<B extends z.ZodType | undefined, R extends z.ZodType>(
  op: Operation<B, R> & { signedIn: true },
  handler: (context: UserContext<Body<B>>) => Result<R>,
): (request: NextRequest) => Promise<Response> {
  return (request) => handle(request, op, handler);
}

/** The same guard without a session (sign-up). */
export function publicRoute<B extends z.ZodType | undefined, R extends z.ZodType>(
  op: Operation<B, R> & { signedIn: false },
  handler: (context: PublicContext<Body<B>>) => Result<R>,
): (request: NextRequest) => Promise<Response> {
  return (request) => handle(request, op, handler);
}
