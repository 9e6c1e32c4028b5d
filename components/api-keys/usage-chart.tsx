import type { UsageDay } from "@/lib/keys/usage-days";

/**
 * A key's requests per day over the last 30 days, as a small inline SVG: rendered on the server (this file is
 * not a client component, so no chart code reaches the browser) and handed to the card as a finished element.
 * Failed requests are the bar's red part. Screen readers get the totals and the busiest day instead.
 */

const WIDTH = 300;
const HEIGHT = 40;
const SLOT = WIDTH / 30;
const BAR = SLOT - 2;

const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

function describeUsage(days: UsageDay[]): string {
  const requests = days.reduce((n, d) => n + d.requests, 0);
  const errors = days.reduce((n, d) => n + d.errors, 0);
  const busiest = days.reduce((best, d) => (d.requests > best.requests ? d : best), days[0]!);
  const failed = errors > 0 ? `, ${errors} failed` : "";
  return `Requests per day over the last 30 days: ${requests} in all${failed}; busiest ${dayLabel(busiest.day)} with ${busiest.requests}.`;
}

export function UsageChart({ days }: { days: UsageDay[] }) {
  const peak = Math.max(1, ...days.map((d) => d.requests));
  const height = (n: number) => (n === 0 ? 0 : Math.max(2, (n / peak) * HEIGHT));
  return (
    <svg
      role="img"
      aria-label={describeUsage(days)}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      className="h-10 w-full"
      data-testid="usage-chart"
    >
      {days.map((d, i) => {
        const total = height(d.requests);
        const failed = d.requests === 0 ? 0 : (d.errors / d.requests) * total;
        const x = i * SLOT + 1;
        return (
          <g key={d.day} data-day={d.day} data-requests={d.requests}>
            <rect x={x} y={HEIGHT - 1} width={BAR} height={1} className="fill-border" />
            {total > 0 ? (
              <rect x={x} y={HEIGHT - total} width={BAR} height={total - failed} className="fill-primary" />
            ) : null}
            {failed > 0 ? (
              <rect x={x} y={HEIGHT - failed} width={BAR} height={failed} className="fill-destructive" />
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
