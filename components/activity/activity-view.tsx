import { AlertTriangle, History } from "lucide-react";
import type { ReactNode } from "react";
import { describeEvent, isWarning } from "@/lib/client/activity-text";
import { relativeTime } from "@/lib/client/relative-time";
import { cn } from "@/lib/utils";
import type { ActivityEventView } from "@/lib/validation/activity";

const absolute = (iso: string) =>
  new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

interface ActivityViewProps {
  events: ActivityEventView[];
  /** Provider names by id, for the events' sentences. */
  names: Record<string, string>;
  /** The clock relative times are measured against. */
  now: number;
  error?: string | null;
  /** The "Load more" control, when there are older events. */
  more?: ReactNode;
}

/**
 * The "Activity" panel's markup, without state: the settings page renders it on the server (no JavaScript for it
 * until it is needed: deferred-activity.tsx), and the interactive panel (activity-panel.tsx) renders it as it changes.
 */
export function ActivityView({ events, names, now, error, more }: ActivityViewProps) {
  return (
    <section aria-labelledby="activity" className="space-y-4">
      <div className="space-y-1">
        <h2 id="activity" className="flex items-center gap-2 text-lg font-semibold">
          <History className="size-5 text-muted-foreground" aria-hidden />
          Activity
        </h2>
        <p className="text-sm text-muted-foreground">What happened to your keys and your account, newest first.</p>
      </div>
      {events.length === 0 ? (
        <p className="rounded-lg border border-dashed p-6 text-center text-sm text-muted-foreground">
          Nothing yet. Changes to your keys, tests and re-checks will show up here.
        </p>
      ) : (
        <ol className="divide-y rounded-lg border bg-card" data-testid="activity-list">
          {events.map((event) => (
            <ActivityItem
              key={event.id}
              event={event}
              providerName={event.providerId ? names[event.providerId] : undefined}
              now={now}
            />
          ))}
        </ol>
      )}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {more}
    </section>
  );
}

function ActivityItem({
  event,
  providerName,
  now,
}: {
  event: ActivityEventView;
  providerName: string | undefined;
  now: number;
}) {
  const warning = isWarning(event);
  return (
    <li className="flex flex-col gap-0.5 px-4 py-2.5 text-sm sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
      <span className={cn("flex items-start gap-2", warning && "text-destructive")}>
        {warning ? <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden /> : null}
        {describeEvent(event, providerName)}
      </span>
      <time dateTime={event.at} title={absolute(event.at)} className="shrink-0 text-xs text-muted-foreground">
        {relativeTime(event.at, now)}
      </time>
    </li>
  );
}

/** Provider names by id. */
export const providerNames = (providers: { id: string; name: string }[]) =>
  Object.fromEntries(providers.map((p) => [p.id, p.name]));
