import "server-only";
import { utcToday } from "@/lib/db/usage-window";
import { buildUsageReport } from "@/lib/spend/usage-report";
import type { UsageReportView } from "@/lib/validation/spend";

export interface SpendData {
  /** From the 1st of this UTC month to today. */
  month: UsageReportView["total"] & { from: string; to: string };
  /** The last 30 days by day, every day present (days without use are zeros). */
  days: UsageReportView;
  byKey: UsageReportView;
  /** This month's figures per key (the key list's budgets count the same month). */
  monthByKey: UsageReportView;
  byModel: UsageReportView;
}

const ZERO = { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, unpricedRequests: 0 };
const dayBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** The settings page's "Spend": the usage report (GET /api/user/usage) read four ways, in parallel. */
export async function loadSpend(userId: string, now: number): Promise<SpendData> {
  const to = utcToday(now);
  const from = dayBefore(to, 29);
  const monthFrom = `${to.slice(0, 7)}-01`;
  // Totals do not depend on the grouping: the month's is the by-key report's.
  const [monthByKey, days, byKey, byModel] = await Promise.all([
    buildUsageReport(userId, { from: monthFrom, to, groupBy: "key" }),
    buildUsageReport(userId, { from, to, groupBy: "day" }),
    buildUsageReport(userId, { from, to, groupBy: "key" }),
    buildUsageReport(userId, { from, to, groupBy: "model" }),
  ]);
  const byDay = new Map(days.rows.map((row) => [row.group, row]));
  const every = Array.from({ length: 30 }, (_, i) => {
    const day = dayBefore(to, 29 - i);
    return byDay.get(day) ?? { group: day, ...ZERO };
  });
  return {
    month: { ...monthByKey.total, from: monthFrom, to },
    days: { ...days, rows: every },
    byKey,
    monthByKey,
    byModel,
  };
}
