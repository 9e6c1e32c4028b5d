import "server-only";
import { type SQL, sql, type SQLWrapper } from "drizzle-orm";
import { keyUsage, userApiKey } from "./schema";

/**
 * The 30-day usage totals the key list shows, kept on the key row so the list reads them without an aggregate
 * (on the embedded database a join summing a user's ~150 usage rows made the list cost 70 % more; this costs
 * about 15 %). The KeyUsage day rows stay the truth; from them every recording rewrites, on the key row, four
 * arrays of totals (requests, tokens, errors, cost) over the 30 UTC days ending `usageThrough`, summed from the end: index i holds days i..30,
 * so index 1 is the whole window and index 30 the last day.
 *
 * On a later day T, n = T − usageThrough days have left the window and what remains is one element:
 * total = running[n + 1], and nothing (an index past 30 is NULL, read as 0) after 30 days. So the list stays
 * exact, in one statement, with no subquery. A recording racing another across UTC midnight may miss the other's
 * increment in these totals; the next recording rebuilds them from the rows.
 */

export const USAGE_METRICS = ["requests", "inputTokens", "outputTokens", "errors", "costMicroUsd"] as const;
type Metric = (typeof USAGE_METRICS)[number];

/** Today, and the first day of the 30-day window, in UTC like the usage rows' days (lib/db/key-usage.ts). */
export const today = sql`(now() at time zone 'utc')::date`;
export const usageWindowStart = sql`(now() at time zone 'utc')::date - 29`;

/** Today's date in UTC by this server's clock (the list's parameter: a clock read in SQL costs more than it does
 * here, and a server's clock is as good as the database's at day granularity). */
export const utcToday = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);

const RUNNING = {
  requests: userApiKey.usageRequests,
  inputTokens: userApiKey.usageInputTokens,
  outputTokens: userApiKey.usageOutputTokens,
  errors: userApiKey.usageErrors,
  costMicroUsd: userApiKey.usageCostMicroUsd,
} as const;

/** The last 30 days' total of one metric as of `day` (a YYYY-MM-DD parameter), from the key row alone. */
export function last30Days(metric: Metric, day: SQLWrapper): SQL.Aliased<number> {
  const running = RUNNING[metric];
  return sql<number>`coalesce(${running}[greatest(${day}::date - ${userApiKey.usageThrough}, 0) + 1], 0)`
    .mapWith(Number)
    .as(metric);
}

/**
 * `("usageRequests", …) = (…)`, for the SET of an UPDATE of the key `apiKeyId`: the totals from the end of the 30
 * days ending `through`, from its KeyUsage rows. `latest`, when given, is the `through` day's row as the same statement
 * has just written it (a statement does not see its own writes), in place of what the table shows.
 */
export function runningTotals(apiKeyId: SQLWrapper, through: SQLWrapper, latest?: Record<Metric, SQLWrapper>): SQL {
  const day = (metric: Metric) => {
    const stored = sql`coalesce(h.${sql.identifier(keyUsage[metric].name)}, 0)`;
    return latest ? sql`case when g.i = 29 then ${latest[metric]} else ${stored} end` : stored;
  };
  const columns = sql.join(
    USAGE_METRICS.map((m) => sql.identifier(RUNNING[m].name)),
    sql`, `,
  );
  const running = sql.join(
    USAGE_METRICS.map((m) => sql`sum(${day(m)}) over (order by g.i desc) as ${sql.identifier(m)}`),
    sql`, `,
  );
  const arrays = sql.join(
    USAGE_METRICS.map((m) => sql`array_agg(${sql.identifier(m)} order by i)`),
    sql`, `,
  );
  return sql`(${columns}) = (
    select ${arrays} from (
      select g.i, ${running}
      from generate_series(0, 29) as g(i)
      left join ${keyUsage} h on h."apiKeyId" = ${apiKeyId} and h."day" = ${through} - 29 + g.i
    ) as w
  )`;
}

/**
 * Rebuilds a key's totals from its rows, through today: for rows written other than by recording a call (history
 * imported, a repair). One statement; false when the user has no such key.
 */
export function rebuildUsageWindowSql(userId: string, apiKeyId: string): SQL {
  return sql`update ${userApiKey} set "usageThrough" = ${today}, ${runningTotals(sql`${userApiKey.id}`, today)}
    where ${userApiKey.id} = ${apiKeyId}::uuid and ${userApiKey.userId} = ${userId}::uuid returning ${userApiKey.id}`;
}
