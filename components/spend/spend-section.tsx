import { Download, Wallet } from "lucide-react";
import type { ReactNode } from "react";
import { buttonVariants } from "@/components/ui/button";
import { compactCount, costText } from "@/lib/client/format";
import type { SpendData } from "@/lib/spend/spend-page";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import type { UsageGroup, UsageReportView } from "@/lib/validation/spend";
import { SpendChart } from "./spend-chart";

interface SpendSectionProps {
  spend: SpendData;
  keys: ListedKeyView[];
  providers: ProviderView[];
}

type Row = UsageReportView["rows"][number];

const csvUrl = (report: Pick<UsageReportView, "from" | "to">, groupBy: UsageGroup) =>
  `/api/user/usage?${new URLSearchParams({ from: report.from, to: report.to, groupBy, format: "csv" })}`;

/**
 * "Spend": this month's cost, what each day of the last 30 cost (a chart), and the same 30 days by key and by
 * model, with the CSV of each. Rendered on the server from the usage report (lib/spend/spend-page.ts): no
 * JavaScript of its own, readable without it. Answers without a price are counted as unpriced, never as $0.
 */
export function SpendSection({ spend, keys, providers }: SpendSectionProps) {
  const names = Object.fromEntries(providers.map((p) => [p.id, p.name]));
  const keyName = (id: string | null) => {
    const key = keys.find((k) => k.id === id);
    return key ? `${names[key.providerId] ?? "A provider"} · ${key.label}` : "A deleted key";
  };
  return (
    <section aria-labelledby="spend" className="space-y-4" data-testid="spend-section">
      <SpendHeading csv={csvUrl(spend.days, "day")} />
      <MonthSpend spend={spend} />
      <div className="grid gap-4 lg:grid-cols-2">
        <SpendTable
          caption="By key, last 30 days"
          csv={csvUrl(spend.byKey, "key")}
          head="Key"
          rows={spend.byKey.rows}
          name={(row) => keyName(row.group)}
          month={(row) =>
            costText(
              spend.monthByKey.rows.find((m) => m.group === row.group) ?? {
                requests: 0,
                costMicroUsd: 0,
                unpricedRequests: 0,
              },
            )
          }
          testId="spend-by-key"
        />
        <SpendTable
          caption="By model, last 30 days"
          csv={csvUrl(spend.byModel, "model")}
          head="Model"
          rows={spend.byModel.rows}
          name={(row) => (
            <>
              <span className="font-mono break-all">{row.group}</span>{" "}
              <span className="block text-muted-foreground">{names[row.providerId ?? ""] ?? "A removed provider"}</span>
            </>
          )}
          testId="spend-by-model"
        />
      </div>
    </section>
  );
}

function SpendHeading({ csv }: { csv: string }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="space-y-1">
        <h2 id="spend" className="flex items-center gap-2 text-lg font-semibold">
          <Wallet className="size-5 text-muted-foreground" aria-hidden />
          Spend
        </h2>
        <p className="text-sm text-muted-foreground">
          What your answers cost, from the playground and your access tokens. Answers whose model has no price are
          counted as unpriced: set a price in a provider&apos;s Prices.
        </p>
      </div>
      <a href={csv} download className={buttonVariants({ variant: "outline", size: "sm" })} data-testid="spend-csv">
        <Download aria-hidden />
        Download CSV
      </a>
    </div>
  );
}

/** This month's cost and requests, beside the chart of the last 30 days. */
function MonthSpend({ spend }: { spend: SpendData }) {
  return (
    <div className="grid gap-4 rounded-lg border bg-card p-4 sm:grid-cols-[auto_1fr] sm:items-center">
      <p className="space-y-0.5">
        <span className="block text-xs text-muted-foreground">This month (UTC)</span>
        <span className="block text-2xl font-semibold tabular-nums" data-testid="month-spend">
          {costText(spend.month)}
        </span>
        <span className="block text-xs text-muted-foreground">
          {spend.month.requests === 0 ? "No requests yet" : `${compactCount(spend.month.requests)} requests`}
        </span>
      </p>
      <div className="min-w-0 space-y-1">
        <SpendChart days={spend.days.rows} />
        <p className="flex justify-between text-xs text-muted-foreground" aria-hidden>
          <span>{spend.days.from}</span>
          <span>{spend.days.to}</span>
        </p>
      </div>
    </div>
  );
}

interface SpendTableProps {
  caption: string;
  csv: string;
  head: string;
  rows: Row[];
  name: (row: Row) => ReactNode;
  /** This month's cost of the row (by key: what its budget counts). */
  month?: (row: Row) => string;
  testId: string;
}

function SpendTable({ caption, csv, head, rows, name, month, testId }: SpendTableProps) {
  return (
    <div className="min-w-0 space-y-2 rounded-lg border bg-card p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold" id={`${testId}-caption`}>
          {caption}
        </h3>
        <a
          href={csv}
          download
          aria-label={`CSV of the spend ${caption.toLowerCase()}`}
          className="text-xs text-primary underline underline-offset-4"
        >
          CSV
        </a>
      </div>
      {rows.length === 0 ? (
        <p className="text-xs text-muted-foreground">No requests in the last 30 days.</p>
      ) : (
        <div className="overflow-x-auto" role="region" aria-labelledby={`${testId}-caption`} tabIndex={0}>
          <table className="w-full text-xs" data-testid={testId}>
            <SpendTableHead head={head} withMonth={Boolean(month)} />
            <tbody className="divide-y">
              {rows.map((row) => (
                <tr key={`${row.group}/${row.providerId ?? ""}`}>
                  <th scope="row" className="py-1.5 pr-2 text-left font-normal">
                    {name(row)}
                  </th>
                  <td className="py-1.5 pr-2 text-right tabular-nums">{compactCount(row.requests)}</td>
                  <td className="py-1.5 pr-2 text-right tabular-nums">
                    {compactCount(row.inputTokens + row.outputTokens)}
                  </td>
                  {month ? <td className="py-1.5 pr-2 text-right tabular-nums">{month(row)}</td> : null}
                  <td className="py-1.5 text-right tabular-nums">{costText(row)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function SpendTableHead({ head, withMonth }: { head: string; withMonth: boolean }) {
  return (
    <thead className="text-left text-muted-foreground">
      <tr>
        <th scope="col" className="py-1 pr-2 font-medium">
          {head}
        </th>
        <th scope="col" className="py-1 pr-2 text-right font-medium">
          Requests
        </th>
        <th scope="col" className="py-1 pr-2 text-right font-medium">
          Tokens
        </th>
        {withMonth ? (
          <th scope="col" className="py-1 pr-2 text-right font-medium">
            This month
          </th>
        ) : null}
        <th scope="col" className="py-1 text-right font-medium">
          Cost
        </th>
      </tr>
    </thead>
  );
}
