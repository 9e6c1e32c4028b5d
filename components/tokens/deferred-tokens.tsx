"use client";

import { lazy, type ReactNode, startTransition, Suspense, useRef, useState } from "react";
import { StandInOnError } from "@/components/ui/stand-in-on-error";
import { useNearScreen } from "@/lib/client/use-near-screen";
import type { ProviderView } from "@/lib/validation/providers";
import type { TokenView } from "@/lib/validation/tokens";
import type { TokensStart } from "./tokens-panel";

const loadPanel = () => import("./tokens-panel");
const TokensPanel = lazy(() => loadPanel().then((m) => ({ default: m.TokensPanel })));

interface DeferredTokensProps {
  initialTokens: TokenView[];
  providers: ProviderView[];
  now: number;
  /** The section as the server rendered it (tokens-view.tsx): shown until the panel's code is there. */
  children: ReactNode;
}

/**
 * "Access tokens" loads its code (the form, the confirmation) when it comes near the screen, or when one of the
 * stand-in's buttons is pointed at or pressed (that button's action then starts at once), not with the page: the
 * page's first load has a JavaScript budget (README, Performance). Same pattern as deferred-activity.tsx.
 */
export function DeferredTokens({ initialTokens, providers, now, children }: DeferredTokensProps) {
  const [awake, setAwake] = useState(false);
  const [start, setStart] = useState<TokensStart>(null);
  const placeholder = useRef<HTMLDivElement>(null);
  useNearScreen(placeholder, awake, () => setAwake(true));

  const wakeOf = (target: EventTarget) =>
    (target as HTMLElement).closest<HTMLElement>("[data-tokens-wake]")?.dataset.tokensWake;
  return (
    <div
      ref={placeholder}
      onPointerOverCapture={(event) => wakeOf(event.target) && void loadPanel()}
      onFocusCapture={(event) => wakeOf(event.target) && void loadPanel()}
      onClickCapture={(event) => {
        const wake = wakeOf(event.target);
        if (!wake) return;
        event.preventDefault();
        startTransition(() => {
          setStart(wake === "create" ? { create: true } : { revoke: wake.slice("revoke:".length) });
          setAwake(true);
        });
      }}
    >
      <StandInOnError fallback={children}>
        <Suspense fallback={children}>
          {awake ? (
            <TokensPanel initialTokens={initialTokens} providers={providers} now={now} start={start} />
          ) : (
            children
          )}
        </Suspense>
      </StandInOnError>
    </div>
  );
}
