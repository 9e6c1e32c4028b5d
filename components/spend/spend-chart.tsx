import { costText, usd } from "@/lib/client/format";
import type { UsageReportView } from "@/lib/validation/spend";

/**
 * What the answers cost per day over the last 30 days, as bars in an inline SVG: rendered on the server (not a
 * client component: no chart code reaches the browser). A day with unpriced answers gets an amber mark under its
 * bar, since its cost is unknown, not 0. Screen readers get the total, the costliest day and the unpriced count.
 */

const WIDTH = 300;
const HEIGHT = 60;
const SLOT = WIDTH / 30;
const BAR = SLOT - 2;

type Day = UsageReportView["rows"][number];

const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

function describeSpend(days: Day[]): string {
  const total = days.reduce(
    (n, d) => ({
      requests: n.requests + d.requests,
      costMicroUsd: n.costMicroUsd + d.costMicroUsd,
      unpricedRequests: n.unpricedRequests + d.unpricedRequests,
    }),
    {
      requests: 0,
      costMicroUsd: 0,
      unpricedRequests: 0,
    },
  );
  if (total.requests === 0) return "Spend per day over the last 30 days: no requests.";
  const costliest = days.reduce((best, d) => (d.costMicroUsd > best.costMicroUsd ? d : best), days[0]!);
  const peak =
    costliest.costMicroUsd > 0 ? `; most on ${dayLabel(costliest.group!)} with ${usd(costliest.costMicroUsd)}` : "";
  return `Spend per day over the last 30 days: ${costText(total)} in all${peak}.`;
}

export function SpendChart({ days }: { days: Day[] }) {
  const peak = Math.max(1, ...days.map((d) => d.costMicroUsd));
  const height = (n: number) => (n === 0 ? 0 : Math.max(2, (n / peak) * (HEIGHT - 4)));
  return (
    <svg
      role="img"
      aria-label={describeSpend(days)}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      className="h-16 w-full"
      data-testid="spend-chart"
    >
      {days.map((d, i) => {
        const bar = height(d.costMicroUsd);
        const x = i * SLOT + 1;
        return (
          <g key={d.group} data-day={d.group} data-cost={d.costMicroUsd} data-unpriced={d.unpricedRequests}>
            <rect x={x} y={HEIGHT - 4} width={BAR} height={1} className="fill-border" />
            {bar > 0 ? <rect x={x} y={HEIGHT - 4 - bar} width={BAR} height={bar} className="fill-primary" /> : null}
            {d.unpricedRequests > 0 ? (
              <rect x={x} y={HEIGHT - 2} width={BAR} height={2} className="fill-warning" />
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
