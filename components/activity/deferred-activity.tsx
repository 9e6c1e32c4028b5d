"use client";

import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from "react";
import { onKeyChange } from "@/lib/client/key-changes";
import type { ActivityPageView } from "@/lib/validation/activity";
import type { ProviderView } from "@/lib/validation/providers";

const loadPanel = () => import("./activity-panel");
const ActivityPanel = lazy(() => loadPanel().then((m) => ({ default: m.ActivityPanel })));

interface DeferredActivityProps {
  initialPage: ActivityPageView;
  providers: ProviderView[];
  now: number;
  /** The panel as the server rendered it (activity-view.tsx): shown, without JavaScript, until it is needed. */
  children: ReactNode;
}

/**
 * The settings page's "Activity" panel sits below the keys: its code loads when it comes near the screen, when a
 * key changes (it shows the new events) or when "Load more" is pressed, and not before (it was 2 kB gzip of the
 * page's first load, which has a budget). Until then the server's rendering of the same events stands in.
 */
export function DeferredActivity({ initialPage, providers, now, children }: DeferredActivityProps) {
  const [woken, setWoken] = useState<"near" | "refresh" | "more" | null>(null);
  const placeholder = useRef<HTMLDivElement>(null);

  // A key change before the panel is up (asleep, or its code still loading): it starts by reading the newest
  // events. Once it is up, its own listener does that and this one changes nothing.
  useEffect(() => onKeyChange(() => setWoken((w) => (w === "more" ? w : "refresh"))), []);

  useEffect(() => {
    if (woken) return;
    const element = placeholder.current;
    const observer =
      element && "IntersectionObserver" in window
        ? new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setWoken((w) => w ?? "near"), { rootMargin: "400px" })
        : null;
    if (element && observer) observer.observe(element);
    else setWoken("near");
    return () => observer?.disconnect();
  }, [woken]);

  return (
    <div
      ref={placeholder}
      // The server-rendered "Load more" (also the stand-in while the panel's code loads) wakes the panel, which
      // then loads the older events. The panel's own button has no such mark.
      onClickCapture={(event) => {
        if (!(event.target as HTMLElement).closest("[data-activity-more]")) return;
        event.preventDefault();
        setWoken("more");
      }}
    >
      {woken ? (
        <Suspense fallback={children}>
          <ActivityPanel initialPage={initialPage} providers={providers} now={now} startWith={woken === "near" ? undefined : woken} />
        </Suspense>
      ) : (
        children
      )}
    </div>
  );
}
