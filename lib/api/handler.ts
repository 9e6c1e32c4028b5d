import "server-only";
import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import type { z } from "zod";
import { getAuthSecret } from "@/lib/auth/secret";
import { decodeSessionToken } from "@/lib/auth/session-token";
import { AppError } from "@/lib/errors";
import { type FeatureFlag, isFeatureEnabled } from "@/lib/feature-flags";
import { parseJsonBody } from "./body";
import { appOrigin, assertSameOrigin } from "./origin";
import { json, toErrorResponse } from "./respond";

type Body<S> = S extends z.ZodType ? z.output<S> : undefined;

interface RouteOptions<S extends z.ZodType | undefined> {
  /** The route answers 403 while this flag is off. */
  flag?: FeatureFlag;
  /** The JSON body's schema; omitted for routes without a body. */
  body?: S;
  /** Status of a successful answer (default 200). */
  status?: number;
}

export interface PublicContext<B> {
  request: NextRequest;
  body: B;
}

export interface UserContext<B> extends PublicContext<B> {
  userId: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function featureGuard(flag: FeatureFlag | undefined): void {
  if (flag && !isFeatureEnabled(flag)) {
    throw new AppError("feature_disabled", "API key management is turned off on this server.");
  }
}

async function sessionUserId(request: NextRequest): Promise<string> {
  // next-auth names its cookie __Secure-… when the site is served over https (NEXTAUTH_URL, or the forwarded
  // protocol when it trusts the host); read the cookie it actually set.
  const secureCookie = appOrigin(request).startsWith("https://");
  const token = await getToken({ req: request, secret: getAuthSecret(), decode: decodeSessionToken, secureCookie });
  const id = token?.id ?? token?.sub;
  if (!id) throw new AppError("unauthorized", "Sign in to continue.");
  return id;
}

async function handle<S extends z.ZodType | undefined>(
  request: NextRequest,
  options: RouteOptions<S>,
  signedIn: boolean,
  handler: (context: UserContext<Body<S>>) => Promise<unknown>,
): Promise<Response> {
  try {
    featureGuard(options.flag);
    const userId = signedIn ? await sessionUserId(request) : "";
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    const body = (options.body ? await parseJsonBody(request, options.body) : undefined) as Body<S>;
    const result = await handler({ request, userId, body });
    return result instanceof Response ? result : json(result, options.status ?? 200);
  } catch (error) {
    return toErrorResponse(error, `${request.method} ${request.nextUrl.pathname}`);
  }
}

/**
 * The one guard every signed-in API route goes through, in this order: feature flag (403) → session (401) →
 * same origin for state changes (403) → content type (415) → size (413) → JSON (400) → schema (400) → handler.
 * Typed errors map to their status; anything else is logged and answered with a generic 500.
 */
export function userRoute<S extends z.ZodType | undefined = undefined>(
  options: RouteOptions<S>,
  handler: (context: UserContext<Body<S>>) => Promise<unknown>,
): (request: NextRequest) => Promise<Response> {
  return (request) => handle(request, options, true, handler);
}

/** The same guard without a session (sign-up). */
export function publicRoute<S extends z.ZodType | undefined = undefined>(
  options: RouteOptions<S>,
  handler: (context: PublicContext<Body<S>>) => Promise<unknown>,
): (request: NextRequest) => Promise<Response> {
  return (request) => handle(request, options, false, handler);
}
