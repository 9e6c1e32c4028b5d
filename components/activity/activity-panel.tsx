"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { requestJson } from "@/lib/client/api";
import { onKeyChange } from "@/lib/client/key-changes";
import type { ActivityPageView } from "@/lib/validation/activity";
import type { ProviderView } from "@/lib/validation/providers";
import { ActivityView, providerNames } from "./activity-view";

interface ActivityPanelProps {
  initialPage: ActivityPageView;
  providers: ProviderView[];
  /** The server's clock at render, so relative times match between server and browser. */
  now: number;
  /** What woke the panel up when it was deferred (deferred-activity.tsx), done once it is mounted. */
  startWith?: "refresh" | "more";
}

const ACTIVITY_URL = "/api/user/activity";
/** The browser's clock, read when new events arrive (never during render: see `now`). */
const browserClock = () => Date.now();

/** The "Activity" panel: the user's events newest first, "Load more" for older ones, new ones as keys change. */
export function ActivityPanel({ initialPage, providers, now, startWith }: ActivityPanelProps) {
  const [events, setEvents] = useState(initialPage.events);
  const [cursor, setCursor] = useState(initialPage.nextCursor);
  const [clock, setClock] = useState(now);
  const [loading, setLoading] = useState(startWith === "more");
  const [error, setError] = useState<string | null>(null);
  const names = providerNames(providers);

  /** The newest page read again; what is new goes on top. */
  const refresh = useCallback(() => {
    void requestJson<ActivityPageView>("GET", ACTIVITY_URL).then((result) => {
      if (!result.ok) return;
      setClock(browserClock());
      setEvents((current) => {
        const newest = Number(current[0]?.id ?? 0);
        return [...result.data.events.filter((e) => Number(e.id) > newest), ...current];
      });
    });
  }, []);

  // After a key changes, the newest events.
  useEffect(() => onKeyChange(refresh), [refresh]);

  /** The next older page (the caller has set `loading`). */
  const fetchMore = useCallback(() => {
    if (!cursor) return;
    void requestJson<ActivityPageView>("GET", `${ACTIVITY_URL}?cursor=${encodeURIComponent(cursor)}`).then((result) => {
      setLoading(false);
      if (!result.ok) return setError(result.error.message);
      setClock(browserClock());
      setEvents((current) => [...current, ...result.data.events]);
      setCursor(result.data.nextCursor);
    });
  }, [cursor]);

  function loadMore() {
    setLoading(true);
    setError(null);
    fetchMore();
  }

  const woken = useRef(false);
  useEffect(() => {
    if (woken.current) return;
    woken.current = true;
    if (startWith === "refresh") refresh();
    else if (startWith === "more") fetchMore();
  }, [startWith, refresh, fetchMore]);

  return (
    <ActivityView
      events={events}
      names={names}
      now={clock}
      error={error}
      more={
        cursor ? (
          <Button variant="outline" size="sm" waiting={loading} busy={loading} onClick={loadMore}>
            {loading ? "Loading..." : "Load more"}
          </Button>
        ) : null
      }
    />
  );
}
