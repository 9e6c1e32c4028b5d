"use client";

import { lazy, type ReactNode } from "react";
import { DeferredSection } from "@/components/ui/deferred-section";
import type { ProviderView } from "@/lib/validation/providers";
import type { TokenView } from "@/lib/validation/tokens";
import type { TokensStart } from "./tokens-panel";

const loadPanel = () => import("./tokens-panel");
const TokensPanel = lazy(() => loadPanel().then((m) => ({ default: m.TokensPanel })));

interface DeferredTokensProps {
  initialTokens: TokenView[];
  providers: ProviderView[];
  now: number;
  /** The section as the server rendered it (tokens-stand-in.tsx): shown until the panel's code is there. */
  children: ReactNode;
}

/** What the stand-in's pressed button asks the panel to start with: `create`, or `revoke:<token id>`. */
function startOf(wake: string | null): TokensStart {
  if (wake === "create") return { create: true };
  return wake?.startsWith("revoke:") ? { revoke: wake.slice("revoke:".length) } : null;
}

/** "Access tokens" (the form, the confirmation) loads its code when wanted (components/ui/deferred-section.tsx). */
export function DeferredTokens({ initialTokens, providers, now, children }: DeferredTokensProps) {
  return (
    <DeferredSection
      load={loadPanel}
      panel={(wake) => (
        <TokensPanel initialTokens={initialTokens} providers={providers} now={now} start={startOf(wake)} />
      )}
    >
      {children}
    </DeferredSection>
  );
}
