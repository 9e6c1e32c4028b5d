import "server-only";
import { sql, type SQLWrapper } from "drizzle-orm";
import { rowsOf, withDb } from "./client";
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

/**
 * The user's keys with their 30-day usage as a JSON array (by provider, then position), behind a live session:
 * null when the session has ended. `readableKeyIds`: the keyring's key ids; a key sealed by another needs re-entry.
 */
export async function listedKeysJson(userId: string, sessionId: string, readableKeyIds: string[]): Promise<string | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const today = sql`${utcToday()}`;
  const readable = sql`array[${sql.join(
    readableKeyIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::text[]`;
  const usage = sql.join(
    USAGE_METRICS.map((metric) => sql`${metric}::text, ${last30Days(metric, today).sql}`),
    sql`, `,
  );
  const k = userApiKey;
  const rows = await withDb((db) =>
    db.execute(sql`select (
        select coalesce(json_agg(json_build_object(
          'id', ${k.id}, 'providerId', ${k.providerId}, 'apiKey', ${k.keyHint}, 'isEnabled', ${k.isEnabled},
          'label', ${k.label}, 'position', ${k.position}, 'expiresAt', ${iso(k.expiresAt)},
          'createdAt', ${iso(k.createdAt)}, 'updatedAt', ${iso(k.updatedAt)}, 'lastValidatedAt', ${iso(k.lastValidatedAt)},
          'needsReentry', not (${k.keyId} = any(${readable})), 'health', ${k.health},
          'healthCheckedAt', ${iso(k.healthCheckedAt)}, 'healthMessage', ${k.healthMessage}, 'lastUsedAt', ${iso(k.lastUsedAt)},
          'usage', json_build_object(${usage})
        ) order by ${k.providerId}, ${k.position}, ${k.id}), '[]'::json)::text
        from ${k} where ${k.userId} = ${userId}::uuid
      ) as list
      from ${session} where ${session.id} = ${sessionId}::uuid and ${session.userId} = ${userId}::uuid and ${session.expiresAt} > now()`),
  );
  const [row] = rowsOf<{ list: string }>(rows);
  return row ? row.list : null;
}
