"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { callApi } from "@/lib/client/api";
import { onKeyChange } from "@/lib/client/key-changes";
import type { ActivityPageView } from "@/lib/validation/activity";
import type { ProviderView } from "@/lib/validation/providers";
import { ActivityView, providerNames } from "./activity-view";

interface ActivityPanelProps {
  initialPage: ActivityPageView;
  providers: ProviderView[];
  /** The server's clock at render, so relative times match between server and browser. */
  now: number;
  /**
   * When the panel is deferred (deferred-activity.tsx), the key changes its owner has seen: the newest events are
   * read at mount when there were any, and again on each. Without it the panel listens for key changes itself.
   */
  keyChanges?: number;
  /** "Load more" was pressed before the panel was up: it starts by loading the older events, focus on its button. */
  moreAtStart?: boolean;
}

/** The browser's clock, read when new events arrive (never during render: see `now`). */
const browserClock = () => Date.now();

/** The events read so far, the clock they are shown against, and reading newer (refresh) or older (more) ones. */
function useActivity(initialPage: ActivityPageView, now: number, moreAtStart: boolean) {
  const [events, setEvents] = useState(initialPage.events);
  const [cursor, setCursor] = useState(initialPage.nextCursor);
  const [clock, setClock] = useState(now);
  const [loading, setLoading] = useState(moreAtStart);
  const [error, setError] = useState<string | null>(null);

  /** The newest page read again; what is new goes on top. */
  const refresh = useCallback(() => {
    void callApi("listActivity").then((result) => {
      if (!result.ok) return;
      setClock(browserClock());
      setEvents((current) => {
        const newest = Number(current[0]?.id ?? 0);
        return [...result.data.events.filter((e) => Number(e.id) > newest), ...current];
      });
    });
  }, []);

  /** The next older page (the caller has set `loading`). */
  const fetchMore = useCallback(() => {
    if (!cursor) return;
    void callApi("listActivity", { query: { cursor } }).then((result) => {
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

  return { events, cursor, clock, loading, error, refresh, fetchMore, loadMore };
}

/** After a key changes, the newest events: told by the owner when deferred (`keyChanges`), else heard here. */
function useRefreshOnKeyChange(keyChanges: number | undefined, refresh: () => void) {
  const owned = keyChanges !== undefined;
  useEffect(() => (owned ? undefined : onKeyChange(refresh)), [owned, refresh]);
  useEffect(() => {
    if (keyChanges) refresh();
  }, [keyChanges, refresh]);
}

/** The "Activity" panel: the user's events newest first, "Load more" for older ones, new ones as keys change. */
export function ActivityPanel({ initialPage, providers, now, keyChanges, moreAtStart = false }: ActivityPanelProps) {
  const { events, cursor, clock, loading, error, refresh, fetchMore, loadMore } = useActivity(
    initialPage,
    now,
    moreAtStart,
  );
  const more = useRef<HTMLButtonElement>(null);
  const names = providerNames(providers);
  useRefreshOnKeyChange(keyChanges, refresh);

  const started = useRef(false);
  useEffect(() => {
    if (started.current || !moreAtStart) return;
    started.current = true;
    more.current?.focus();
    fetchMore();
  }, [moreAtStart, fetchMore]);

  return (
    <ActivityView
      events={events}
      names={names}
      now={clock}
      error={error}
      more={
        cursor ? (
          <Button ref={more} variant="outline" size="sm" waiting={loading} busy={loading} onClick={loadMore}>
            {loading ? "Loading..." : "Load more"}
          </Button>
        ) : null
      }
    />
  );
}
