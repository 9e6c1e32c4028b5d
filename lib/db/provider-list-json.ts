import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { REGISTRY_IDS } from "@/lib/domain/catalogue";
import { withDb } from "./client";
import { preparedPerHandle } from "./prepared";
import { modelProvider as p, session, userApiKey as k, userProviderSetting as s } from "./schema";
import { isUuid } from "./uuid";

/**
 * GET /api/providers' answer written by the database as JSON text in ONE statement behind the live session, as
 * the key list's is (key-list-json.ts): the shape of listProvidersForSession (providers.ts), which the rest of the
 * app still maps in JavaScript, in the same order; tests/integration/provider-list-json.test.ts holds the two to
 * the same answer. A built-in the catalogue no longer knows is left out, as there.
 */

const userId = sql.placeholder("userId");
const KNOWN = REGISTRY_IDS.join(",");

const listJsonQuery = preparedPerHandle((db) =>
  db
    .select({
      // Aliased, with the columns written out: in a select from Session drizzle writes its columns unqualified.
      list: sql<string>`(
        select coalesce(json_agg(
          jsonb_build_object('id', mp.id, 'registryId', mp."registryId", 'name', mp.name, 'description', mp.description,
            'hasApiKey', ak.id is not null, 'isEnabled', coalesce(ak."isEnabled", false), 'fallback', coalesce(ps.fallback, true))
          || case when mp."ownerId" is null then '{}'::jsonb else jsonb_build_object('baseUrl', mp."baseUrl") end
          order by mp."ownerId" is not null, mp."sortOrder", mp."createdAt", mp.name
        ), '[]'::json)::text
        from ${p} as mp
        left join ${k} as ak on ak."providerId" = mp.id and ak."userId" = ${userId}::uuid and ak.position = 0
        left join ${s} as ps on ps."providerId" = mp.id and ps."userId" = ${userId}::uuid
        where mp."isEnabled" and case when mp."ownerId" is null then mp."registryId" = any(string_to_array(${sql.placeholder("known")}::text, ','))
          else mp."ownerId" = ${userId}::uuid and mp."registryId" = 'custom' and mp."baseUrl" is not null end
      )`,
    })
    .from(session)
    .where(
      and(eq(session.id, sql.placeholder("sessionId")), eq(session.userId, userId), gt(session.expiresAt, sql`now()`)),
    )
    .prepare("providers_list_json"),
);

/** The providers as this user sees them, as JSON text, behind a live session: null when it has ended. */
export async function providersJsonForSession(user: string, sessionId: string): Promise<string | null> {
  if (!isUuid(user) || !isUuid(sessionId)) return null;
  const [row] = await withDb((db) => listJsonQuery(db).execute({ userId: user, sessionId, known: KNOWN }));
  return row ? row.list : null;
}
