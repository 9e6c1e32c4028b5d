"use client";

import { lazy, type ReactNode, startTransition, useEffect, useState } from "react";
import { DeferredSection } from "@/components/ui/deferred-section";
import { onKeyChange } from "@/lib/client/key-changes";
import type { ActivityPageView } from "@/lib/validation/activity";
import type { ProviderView } from "@/lib/validation/providers";

const loadPanel = () => import("./activity-panel");
const ActivityPanel = lazy(() => loadPanel().then((m) => ({ default: m.ActivityPanel })));

interface DeferredActivityProps {
  initialPage: ActivityPageView;
  providers: ProviderView[];
  now: number;
  /** The panel as the server rendered it (activity-view.tsx), its "Load more" marked `data-wake="more"`. */
  children: ReactNode;
}

/**
 * The settings page's "Activity" panel loads its code when wanted (components/ui/deferred-section.tsx): near the
 * screen, when "Load more" is pressed (it starts by loading the older events), or when a key changes (it shows the
 * new events: this component owns that subscription, so no change is missed while the code loads).
 */
export function DeferredActivity({ initialPage, providers, now, children }: DeferredActivityProps) {
  const [keyChanges, setKeyChanges] = useState(0);
  // In a transition: the stand-in stays as it is until the panel's code is there (no fallback swap).
  useEffect(() => onKeyChange(() => startTransition(() => setKeyChanges((n) => n + 1))), []);
  return (
    <DeferredSection
      load={loadPanel}
      woken={keyChanges > 0}
      panel={(wake) => (
        <ActivityPanel
          initialPage={initialPage}
          providers={providers}
          now={now}
          keyChanges={keyChanges}
          moreAtStart={wake === "more"}
        />
      )}
    >
      {children}
    </DeferredSection>
  );
}
