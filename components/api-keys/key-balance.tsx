"use client";

import { useEffect, useState } from "react";
import { type ApiFailure, requestJson } from "@/lib/client/api";
import type { BalanceView } from "@/lib/validation/spend";

type State = { phase: "loading" } | { phase: "loaded"; balance: BalanceView } | { phase: "failed"; error: ApiFailure };

const money = (amount: number, currency: string) =>
  currency === "USD" ? `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : `${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** "$12.50 of $20.00 left": what the provider (OpenRouter, DeepSeek) says is left on the key; loaded on demand. */
export function KeyBalance({ keyId, providerName }: { keyId: string; providerName: string }) {
  const [state, setState] = useState<State>({ phase: "loading" });
  useEffect(() => {
    let current = true;
    void requestJson<BalanceView>("GET", `/api/user/api-keys/${keyId}/balance`).then((result) => {
      if (current) setState(result.ok ? { phase: "loaded", balance: result.data } : { phase: "failed", error: result.error });
    });
    return () => {
      current = false;
    };
  }, [keyId]);
  if (state.phase === "loading") return <p className="text-muted-foreground">Asking {providerName} for the balance…</p>;
  if (state.phase === "failed") return <p className="text-muted-foreground">{`Balance unknown: ${state.error.message}`}</p>;
  const { currency, remainingUsd, limitUsd } = state.balance;
  return (
    <p className="text-muted-foreground" data-testid="key-balance">
      {`Balance at ${providerName}: ${money(remainingUsd, currency)}${limitUsd === undefined ? "" : ` of ${money(limitUsd, currency)}`} left`}
    </p>
  );
}
