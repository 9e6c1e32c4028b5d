import "server-only";
import { and, eq, gt, sql, type SQLWrapper } from "drizzle-orm";
import { preparedPerHandle, withDb } from "./client";
import { session, userApiKey } from "./schema";
import { last30Days, USAGE_METRICS, utcToday } from "./usage-window";
import { isUuid } from "./uuid";

/**
 * The key list's answer (GET /api/user/api-keys), written by the database as JSON text in ONE statement: the
 * shape of lib/keys/view.ts's toListedKeyView, field for field, which the rest of the app (the settings page,
 * every write's answer) still maps in JavaScript. The hot read skips drizzle's row mapping, a Date per timestamp
 * and the JSON serialisation: at 40 keys a user those were most of the route's own time (bench:profile -- list).
 * tests/integration/key-list-json.test.ts holds the two to the same answer.
 */

/** A timestamp as Date.prototype.toISOString writes it (UTC, milliseconds, "Z"); null stays null. */
const iso = (column: SQLWrapper) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const placeholder = (name: string) => sql.placeholder(name);
const k = userApiKey;
const usage = sql.join(
  USAGE_METRICS.map((metric) => sql`${metric}::text, ${last30Days(metric, placeholder("today")).sql}`),
  sql`, `,
);
const readable = sql`string_to_array(${placeholder("readable")}::text, ',')`;

/** The answer's JSON text as one column of a select from the live session row: built and prepared once per handle. */
const listJsonQuery = preparedPerHandle((db) =>
  db
    .select({
      list: sql<string>`(
        select coalesce(json_agg(json_build_object(
          'id', ${k.id}, 'providerId', ${k.providerId}, 'apiKey', ${k.keyHint}, 'isEnabled', ${k.isEnabled},
          'label', ${k.label}, 'position', ${k.position}, 'expiresAt', ${iso(k.expiresAt)},
          'createdAt', ${iso(k.createdAt)}, 'updatedAt', ${iso(k.updatedAt)}, 'lastValidatedAt', ${iso(k.lastValidatedAt)},
          'needsReentry', not (${k.keyId} = any(${readable})), 'health', ${k.health},
          'healthCheckedAt', ${iso(k.healthCheckedAt)}, 'healthMessage', ${k.healthMessage}, 'lastUsedAt', ${iso(k.lastUsedAt)},
          'usage', json_build_object(${usage})
        ) order by ${k.providerId}, ${k.position}, ${k.id}), '[]'::json)::text
        from ${k} where ${k.userId} = ${placeholder("userId")}::uuid
      )`,
    })
    .from(session)
    .where(and(eq(session.id, placeholder("sessionId")), eq(session.userId, placeholder("userId")), gt(session.expiresAt, sql`now()`)))
    .prepare("user_api_keys_list_json"),
);

/**
 * The user's keys with their 30-day usage as a JSON array (by provider, then position), behind a live session:
 * null when the session has ended. `readableKeyIds`: the keyring's key ids (letters, digits, "_" and "-"); a key
 * sealed by another needs re-entry.
 */
export async function listedKeysJson(userId: string, sessionId: string, readableKeyIds: string[]): Promise<string | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const [row] = await withDb((db) =>
    listJsonQuery(db).execute({ userId, sessionId, today: utcToday(), readable: readableKeyIds.join(",") }),
  );
  return row ? row.list : null;
}
