import "server-only";
import { startGatewayModels } from "@/lib/db/gateway-models";
import { listModelsForKey } from "@/lib/keys/models";
import { log } from "@/lib/log";
import { LIMITS } from "@/lib/rate-limits";
import { tokenHashOf, unknownToken } from "./auth";
import { CORS_HEADERS, GatewayError, gatewayErrorResponse } from "./errors";

/**
 * GET /api/v1/models: OpenAI's model list over the token's providers that hold a usable key, each model named
 * `<provider>/<model>` (a custom endpoint by its slug). Each provider's list is the one its own models endpoint
 * answers the user's key (cached up to 10 minutes, lib/keys/models.ts); a provider that cannot answer now is left
 * out rather than failing the whole list.
 */
export async function listGatewayModels(request: Request): Promise<Response> {
  try {
    const start = await startGatewayModels(tokenHashOf(request), LIMITS.gateway);
    if (!start.token || !start.limit) throw unknownToken();
    if (start.limit.points > LIMITS.gateway.points) {
      throw new GatewayError(
        "rate_limit",
        "rate_limit_exceeded",
        `Too many requests; try again in ${start.limit.resetInSeconds} s.`,
        undefined,
        start.limit.resetInSeconds,
      );
    }
    const userId = start.token.userId;
    const lists = await Promise.all(
      start.providers.map(async ({ id, prefix }) => {
        try {
          const list = await listModelsForKey(userId, id);
          const created = Math.floor(Date.parse(list.fetchedAt) / 1000);
          return list.models.map((model) => ({
            id: `${prefix}/${model.id}`,
            object: "model",
            created,
            owned_by: prefix,
          }));
        } catch (error) {
          log.warn(
            { scope: "gateway", provider: prefix, code: (error as { code?: string }).code },
            "a provider's models were left out of /v1/models",
          );
          return [];
        }
      }),
    );
    return Response.json(
      { object: "list", data: lists.flat() },
      { headers: { ...CORS_HEADERS, "cache-control": "no-store" } },
    );
  } catch (error) {
    return gatewayErrorResponse("openai", error, "GET /api/v1/models");
  }
}
