import "server-only";
import { type SQL, sql } from "drizzle-orm";
import type { UsageGroup } from "@/lib/validation/spend";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { modelUsage } from "./schema";
import { isUuid } from "./uuid";

/** The user's usage over a range of UTC days, grouped (GET /api/user/usage): one SELECT over ModelUsage. */

export interface UsageFigures {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  unpricedRequests: number;
}

export interface UsageReportRow extends UsageFigures {
  group: string | null;
  providerId?: string;
}

const GROUP: Record<UsageGroup, SQL> = {
  day: sql`to_char(u.day, 'YYYY-MM-DD')`,
  key: sql`u."apiKeyId"::text`,
  model: sql`u.model`,
  provider: sql`u."providerId"::text`,
  token: sql`u."tokenId"::text`,
};

/** Days in order; everything else by cost, then requests, then the group (a stable order). */
const ORDER: Record<UsageGroup, SQL> = {
  day: sql`"group"`,
  key: sql`"costMicroUsd" desc, requests desc, "group"`,
  model: sql`"costMicroUsd" desc, requests desc, "group", "providerId"`,
  provider: sql`"costMicroUsd" desc, requests desc, "group"`,
  token: sql`"costMicroUsd" desc, requests desc, "group" nulls first`,
};

/** The sums, as numbers (bigint sums come back as text from the drivers). */
const sums = sql`sum(u.requests)::float8 as requests, sum(u."inputTokens")::float8 as "inputTokens",
  sum(u."outputTokens")::float8 as "outputTokens", sum(u."costMicroUsd")::float8 as "costMicroUsd",
  sum(u."unpricedRequests")::float8 as "unpricedRequests"`;

export async function usageReport(
  userId: string,
  range: { from: string; to: string },
  groupBy: UsageGroup,
): Promise<UsageReportRow[]> {
  if (!isUuid(userId)) return [];
  // A model id is one group per provider: two providers may both serve "gpt-4o".
  const byProvider = groupBy === "model" ? sql`, u."providerId"::text as "providerId"` : sql``;
  const groupProvider = groupBy === "model" ? sql`, u."providerId"` : sql``;
  return rowsOf<UsageReportRow>(
    await withDb((db) =>
      db.execute(sql`select ${GROUP[groupBy]} as "group"${byProvider}, ${sums}
        from ${modelUsage} as u
        where u."userId" = ${userId}::uuid and u.day between ${range.from}::date and ${range.to}::date
        group by ${GROUP[groupBy]}${groupProvider}
        order by ${ORDER[groupBy]}`),
    ),
  );
}
