"use client";

import { lazy, type ReactNode } from "react";
import { DeferredSection } from "@/components/ui/deferred-section";
import type { Open } from "./account-actions";

const loadPanel = () => import("./account-panel");
const AccountPanel = lazy(() => loadPanel().then((m) => ({ default: m.AccountPanel })));

const opens = (wake: string | null): Open =>
  wake === "sign-out-everywhere" || wake === "delete-account" ? wake : null;

/**
 * The "Account" section at the foot of /settings loads its code when wanted (components/ui/deferred-section.tsx):
 * near the screen, when a field of the stand-in is focused (what is typed meanwhile is kept), or when one of its
 * buttons is pressed (its dialog opens at once).
 */
export function DeferredAccount({ children }: { children: ReactNode }) {
  return (
    <DeferredSection load={loadPanel} panel={(wake, kept) => <AccountPanel start={opens(wake)} kept={kept} />}>
      {children}
    </DeferredSection>
  );
}
