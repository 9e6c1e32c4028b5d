import "server-only";
import { sql } from "drizzle-orm";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { pointUpsert, type RateLimitState } from "./counters";
import { accessToken, modelProvider, userApiKey } from "./schema";

/** What GET /api/v1/models needs, in ONE statement: the token, a point of its limit, its providers with a usable key. */
export interface GatewayModelsStart {
  token: { id: string; userId: string } | null;
  limit: RateLimitState | null;
  /** The providers the token may use that hold an enabled, unexpired key, with their gateway prefix. */
  providers: { id: string; prefix: string }[];
}

export async function startGatewayModels(
  tokenHash: string,
  limit: { points: number; windowSeconds: number },
): Promise<GatewayModelsStart> {
  const [row] = rowsOf<GatewayModelsStart>(
    await withDb((db) =>
      db.execute(sql`with tok as (
          select id, "userId", "providerIds" from ${accessToken}
          where "tokenHash" = ${tokenHash} and ("expiresAt" is null or "expiresAt" > now())
        ),
        counted as (${pointUpsert(`gateway:${tokenHash.slice(0, 32)}`, limit.windowSeconds, sql`exists (select 1 from tok)`)}),
        touched as (update ${accessToken} set "lastUsedAt" = now() where id = (select id from tok))
        select (select json_build_object('id', id, 'userId', "userId") from tok) as token,
          (select row_to_json(c) from counted as c) as "limit",
          coalesce((
            select json_agg(json_build_object('id', p.id, 'prefix', coalesce(p.slug, p."registryId")) order by p."ownerId" nulls first, p."sortOrder", p."createdAt")
            from ${modelProvider} as p, tok
            where p."isEnabled" and (p."ownerId" is null or p."ownerId" = tok."userId")
              and (tok."providerIds" is null or p.id = any(tok."providerIds"))
              and exists (select 1 from counted where points <= ${limit.points})
              and exists (select 1 from ${userApiKey} as k where k."providerId" = p.id and k."userId" = tok."userId" and k."isEnabled"
                and (k."expiresAt" is null or k."expiresAt" > now()))
          ), '[]'::json) as providers`),
    ),
  );
  return row!;
}
