"use client";

import { AlertTriangle, History } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { describeEvent, isWarning } from "@/lib/client/activity-text";
import { requestJson } from "@/lib/client/api";
import { onKeyChange } from "@/lib/client/key-changes";
import { relativeTime } from "@/lib/client/relative-time";
import { cn } from "@/lib/utils";
import type { ActivityEventView, ActivityPageView } from "@/lib/validation/activity";
import type { ProviderView } from "@/lib/validation/providers";

interface ActivityPanelProps {
  initialPage: ActivityPageView;
  providers: ProviderView[];
  /** The server's clock at render, so relative times match between server and browser. */
  now: number;
}

const ACTIVITY_URL = "/api/user/activity";
/** The browser's clock, read when new events arrive (never during render: see `now`). */
const browserClock = () => Date.now();
const absolute = (iso: string) => new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

/** The "Activity" panel: the user's events newest first, "Load more" for older ones, new ones as keys change. */
export function ActivityPanel({ initialPage, providers, now }: ActivityPanelProps) {
  const [events, setEvents] = useState(initialPage.events);
  const [cursor, setCursor] = useState(initialPage.nextCursor);
  const [clock, setClock] = useState(now);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = new Map(providers.map((p) => [p.id, p.name]));

  // After a key changes, the newest page is read again and what is new goes on top.
  useEffect(
    () =>
      onKeyChange(() => {
        void requestJson<ActivityPageView>("GET", ACTIVITY_URL).then((result) => {
          if (!result.ok) return;
          setClock(browserClock());
          setEvents((current) => {
            const newest = Number(current[0]?.id ?? 0);
            return [...result.data.events.filter((e) => Number(e.id) > newest), ...current];
          });
        });
      }),
    [],
  );

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    const result = await requestJson<ActivityPageView>("GET", `${ACTIVITY_URL}?cursor=${encodeURIComponent(cursor)}`);
    setLoading(false);
    if (!result.ok) return setError(result.error.message);
    setClock(browserClock());
    setEvents((current) => [...current, ...result.data.events]);
    setCursor(result.data.nextCursor);
  }

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
            <ActivityItem key={event.id} event={event} providerName={event.providerId ? names.get(event.providerId) : undefined} now={clock} />
          ))}
        </ol>
      )}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {cursor ? (
        <Button variant="outline" size="sm" waiting={loading} busy={loading} onClick={() => void loadMore()}>
          {loading ? "Loading..." : "Load more"}
        </Button>
      ) : null}
    </section>
  );
}

function ActivityItem({ event, providerName, now }: { event: ActivityEventView; providerName: string | undefined; now: number }) {
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
