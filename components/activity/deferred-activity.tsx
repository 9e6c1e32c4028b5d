"use client";

import { lazy, type ReactNode, startTransition, Suspense, useEffect, useRef, useState } from "react";
import { StandInOnError } from "@/components/ui/stand-in-on-error";
import { onKeyChange } from "@/lib/client/key-changes";
import { useHydrated } from "@/lib/client/use-hydrated";
import { useNearScreen } from "@/lib/client/use-near-screen";
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
 * page's first load, which has a budget). Until then the server's rendering of the same events stands in, and it
 * stays, as it is, while the panel's code loads (every wake-up is a transition); if the code cannot be loaded, the
 * stand-in stays for good.
 */
export function DeferredActivity({ initialPage, providers, now, children }: DeferredActivityProps) {
  const [awake, setAwake] = useState(false);
  /** Key changes seen here (this component owns the subscription): the panel reads the newest events on each. */
  const [keyChanges, setKeyChanges] = useState(0);
  /** "Load more" pressed on the stand-in: the panel starts by loading the older events. */
  const [moreAtStart, setMoreAtStart] = useState(false);
  /** Until this component has hydrated, a click on the stand-in's "Load more" would be lost: it is disabled. */
  const hydrated = useHydrated();
  const placeholder = useRef<HTMLDivElement>(null);

  useEffect(
    () =>
      onKeyChange(() =>
        // In a transition: the stand-in stays as it is until the panel's code is there (no fallback swap).
        startTransition(() => {
          setKeyChanges((n) => n + 1);
          setAwake(true);
        }),
      ),
    [],
  );

  useNearScreen(placeholder, awake, () => setAwake(true));

  const onStandIn = (target: EventTarget) => (target as HTMLElement).closest("[data-activity-more]") !== null;
  return (
    <div
      ref={placeholder}
      // The stand-in's "Load more" wakes the panel (its code is fetched as soon as the pointer or the focus is on it).
      onPointerOverCapture={(event) => onStandIn(event.target) && void loadPanel()}
      onFocusCapture={(event) => onStandIn(event.target) && void loadPanel()}
      onClickCapture={(event) => {
        if (!onStandIn(event.target)) return;
        event.preventDefault();
        startTransition(() => {
          setMoreAtStart(true);
          setAwake(true);
        });
      }}
    >
      {/* A disabled fieldset disables every button in it: the stand-in's "Load more" waits for the handlers. */}
      <fieldset disabled={!hydrated} role="none" className="contents">
        <StandInOnError fallback={children}>
          <Suspense fallback={children}>
            {awake ? (
              <ActivityPanel
                initialPage={initialPage}
                providers={providers}
                now={now}
                keyChanges={keyChanges}
                moreAtStart={moreAtStart}
              />
            ) : (
              children
            )}
          </Suspense>
        </StandInOnError>
      </fieldset>
    </div>
  );
}
