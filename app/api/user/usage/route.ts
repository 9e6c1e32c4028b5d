import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { buildUsageReport, usageCsv } from "@/lib/spend/usage-report";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.usageReport, async ({ userId, query, request }) => {
  const report = await buildUsageReport(userId, query);
  const csv =
    query.format === "csv" ||
    (query.format === undefined && /\btext\/csv\b/i.test(request.headers.get("accept") ?? ""));
  if (!csv) return report;
  return new Response(usageCsv(report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="usage-${report.from}-to-${report.to}-by-${report.groupBy}.csv"`,
      "cache-control": "no-store",
    },
  });
});
