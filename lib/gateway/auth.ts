import "server-only";
import { tokenExists } from "@/lib/db/gateway-start";
import { GatewayError } from "./errors";
import { isTokenShaped, tokenHash } from "./token-secret";

/**
 * The access token of a gateway request: `Authorization: Bearer <token>` (what the OpenAI SDK sends, and the
 * Anthropic SDK too) or `x-api-key: <token>` (Anthropic's own header). Cookies are never read here: a browser
 * session can never act on /api/v1. Returns the token's hash; a missing or malformed token is a 401 before the
 * database is asked.
 */
export function tokenHashOf(request: Request): string {
  const authorization = request.headers.get("authorization");
  const bearer = authorization && /^bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const token = bearer || request.headers.get("x-api-key")?.trim() || "";
  if (!token) throw missingToken();
  if (!isTokenShaped(token)) throw unknownToken();
  return tokenHash(token);
}

const missingToken = () =>
  new GatewayError(
    "authentication",
    "missing_token",
    "No access token: send `Authorization: Bearer kr_…` (create a token in Settings → Access tokens).",
  );

export const unknownToken = () =>
  new GatewayError(
    "authentication",
    "invalid_api_key",
    "This access token is not valid: it is unknown, revoked or expired. Create a new one in Settings → Access tokens.",
  );

/**
 * A request refused before its one statement (a malformed body) is refused as unauthenticated first when its token
 * is not a live one: nothing about the API is told to a caller without a token. Costs a statement on that path only.
 */
export async function unauthenticatedFirst(tokenHash: string, error: unknown): Promise<never> {
  if (error instanceof GatewayError && error.status < 500 && !(await tokenExists(tokenHash))) throw unknownToken();
  throw error;
}
