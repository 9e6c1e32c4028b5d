import "server-only";
import { type UsageFigures, type UsageReportRow, usageReport } from "@/lib/db/usage-report";
import { utcToday } from "@/lib/db/usage-window";
import type { UsageGroup, UsageReportView } from "@/lib/validation/spend";

/** GET /api/user/usage: the user's requests, tokens and cost over a range of days, grouped; as JSON or CSV. */

const dayBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export async function buildUsageReport(
  userId: string,
  query: { from?: string; to?: string; groupBy?: UsageGroup },
): Promise<UsageReportView> {
  const to = query.to ?? utcToday();
  const from = query.from ?? dayBefore(to, 29);
  const groupBy = query.groupBy ?? "day";
  const rows = await usageReport(userId, { from, to }, groupBy);
  return { from, to, groupBy, rows: rows.map(clean(groupBy)), total: totalOf(rows) };
}

const FIGURES = [
  "requests",
  "inputTokens",
  "outputTokens",
  "costMicroUsd",
  "unpricedRequests",
] as const satisfies readonly (keyof UsageFigures)[];

const clean = (groupBy: UsageGroup) => (row: UsageReportRow) =>
  ({
    group: row.group,
    ...(groupBy === "model" ? { providerId: row.providerId! } : {}),
    ...Object.fromEntries(FIGURES.map((name) => [name, Number(row[name])])),
  }) as UsageReportView["rows"][number];

function totalOf(rows: UsageFigures[]): UsageFigures {
  const total = { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, unpricedRequests: 0 };
  for (const row of rows) for (const name of FIGURES) total[name] += Number(row[name]);
  return total;
}

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Groups are days, ids and model ids
 * (letters, digits, `. _ : / -`), so none can start a spreadsheet formula; a leading = + @ would be defused.
 */
function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The report's rows as CSV with a header line: the same rows and fields as the JSON. */
export function usageCsv(report: UsageReportView): string {
  const columns = ["group", ...(report.groupBy === "model" ? ["providerId"] : []), ...FIGURES] as const;
  const lines = [columns.join(",")];
  for (const row of report.rows)
    lines.push(columns.map((c) => field((row as Record<string, string | number | null>)[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
