import "server-only";
import { channel } from "node:diagnostics_channel";
import { and, eq, gt, sql, type SQLWrapper } from "drizzle-orm";
import { type Database, withDb } from "./client";
import { preparedPerHandle } from "./prepared";
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

/** The month of the list's day (its `today` parameter), as lib/keys/view.ts's budgetView computes it. */
const month = sql`date_trunc('month', ${placeholder("today")}::date)::date`;
const budget = sql`case when ${k.budgetMicroUsd} is null then null else json_build_object(
    'monthlyMicroUsd', ${k.budgetMicroUsd}, 'mode', ${k.budgetMode},
    'spentMicroUsd', case when ${k.spendMonth} = ${month} then ${k.spendMicroUsd} else 0 end,
    'resetsAt', to_char(${month} + interval '1 month', 'YYYY-MM-DD"T00:00:00.000Z"')
  ) end`;

/**
 * The state of the user's keys: each key's id and row version (`xmin`, the transaction that wrote it last: every
 * write of any kind makes a new one, and a deleted key leaves the list), with the database server's start time
 * (a restore or a failover restarts it, and transaction ids may then be used again), hashed. Reading it touches
 * the user's index entries and rows, builds nothing. SHA-256, not MD5 (which a FIPS-mode server refuses).
 */
const state = (db: Database) =>
  db
    .select({
      version:
        sql<string>`encode(sha256(convert_to(pg_postmaster_start_time()::text || '|' || coalesce(string_agg(${k.id}::text || ':' || ${k}.xmin::text, ',' order by ${k.id}), ''), 'UTF8')), 'hex')`.as(
          "version",
        ),
    })
    .from(k)
    .where(eq(k.userId, placeholder("userId")))
    .as("state");

/**
 * One statement behind the live session: the state of the user's keys and, unless it is the one the caller
 * already holds the answer for (`known`), the answer's JSON text (a CASE evaluates its subquery only when taken).
 * Built and prepared once per handle.
 */
const listJsonQuery = preparedPerHandle((db) => {
  const keys = state(db);
  return db
    .select({
      version: keys.version,
      list: sql<string | null>`case when ${keys.version} = ${placeholder("known")}::text then null else (
        select coalesce(json_agg(json_build_object(
          'id', ${k.id}, 'providerId', ${k.providerId}, 'apiKey', ${k.keyHint}, 'isEnabled', ${k.isEnabled},
          'label', ${k.label}, 'position', ${k.position}, 'expiresAt', ${iso(k.expiresAt)},
          'createdAt', ${iso(k.createdAt)}, 'updatedAt', ${iso(k.updatedAt)}, 'lastValidatedAt', ${iso(k.lastValidatedAt)},
          'needsReentry', not (${k.keyId} = any(${readable})), 'health', ${k.health},
          'healthCheckedAt', ${iso(k.healthCheckedAt)}, 'healthMessage', ${k.healthMessage}, 'lastUsedAt', ${iso(k.lastUsedAt)},
          'budget', ${budget},
          'usage', json_build_object(${usage})
        ) order by ${k.providerId}, ${k.position}, ${k.id}), '[]'::json)::text
        from ${k} where ${k.userId} = ${placeholder("userId")}::uuid
      ) end`,
    })
    .from(session)
    .innerJoin(keys, sql`true`)
    .where(
      and(
        eq(session.id, placeholder("sessionId")),
        eq(session.userId, placeholder("userId")),
        gt(session.expiresAt, sql`now()`),
      ),
    )
    .prepare("user_api_keys_list_json");
});

/** Published each time the database wrote the list's JSON (a changed state, or none held): dev/counters.ts counts them. */
export const LIST_BUILD_CHANNEL = "byok:db:key-list-built";
const builds = channel(LIST_BUILD_CHANNEL);

interface Answer {
  version: string;
  /** The parameters the JSON depends on besides the rows. */
  today: string;
  readable: string;
  json: string;
}

/**
 * The last answer per user, in this process (masks and metadata only: what the user's own list shows), reused
 * while the database says the user's keys are as they were and the day and keyring are the same. Bounded: the
 * least recently listed user goes first.
 */
const answers = new Map<string, Answer>();
const MAX_ANSWERS = 500;

function remember(userId: string, answer: Answer) {
  answers.delete(userId);
  answers.set(userId, answer);
  if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!);
}

/** Lets go of the answer held for a user (their account is gone). */
export function forgetKeyList(userId: string): void {
  answers.delete(userId);
}

/**
 * The user's keys with their 30-day usage as a JSON array (by provider, then position), behind a live session:
 * null when the session has ended. `readableKeyIds`: the keyring's key ids (letters, digits, "_" and "-"); a key
 * sealed by another needs re-entry. ONE statement, which builds the JSON only when the keys changed since this
 * process last answered for this user (or the day or the keyring did).
 */
export async function listedKeysJson(
  userId: string,
  sessionId: string,
  readableKeyIds: string[],
): Promise<string | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const today = utcToday();
  const readable = readableKeyIds.join(",");
  const held = answers.get(userId);
  const known = held && held.today === today && held.readable === readable ? held.version : "";
  const [row] = await withDb((db) => listJsonQuery(db).execute({ userId, sessionId, today, readable, known }));
  if (!row) return null;
  // No JSON: the state is the one `held` was written for (`known` is "" without one, and no hash is "").
  const answer = row.list === null ? held! : { version: row.version, today, readable, json: row.list };
  if (row.list !== null && builds.hasSubscribers) builds.publish({ userId });
  remember(userId, answer);
  return answer.json;
}
