"use client";

import { useEffect, useState } from "react";
import { callApi } from "@/lib/client/api";
import { usd } from "@/lib/client/format";
import { BUDGET_WARNING_PERCENT } from "@/lib/domain/key-facts";
import { cn } from "@/lib/utils";
import type { BudgetView } from "@/lib/validation/api-keys";

type Budget = NonNullable<BudgetView>;

/** How far a month's spend is into its budget: "ok", "warning" from 80 %, "reached" at 100 % (integers, exactly). */
export function budgetLevel(budget: Budget): "ok" | "warning" | "reached" {
  if (budget.spentMicroUsd >= budget.monthlyMicroUsd) return "reached";
  return budget.spentMicroUsd * 100 >= budget.monthlyMicroUsd * BUDGET_WARNING_PERCENT ? "warning" : "ok";
}

/** The day a budget's month ends, as people read it: "Dec 1". */
export const resetDay = (budget: Budget) =>
  new Date(budget.resetsAt).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

const TONE = {
  ok: ["bg-primary", "text-muted-foreground"],
  warning: ["bg-warning", "text-warning"],
  reached: ["bg-destructive", "text-destructive"],
} as const;

/** A key's spend this month against its budget: a line and a bar, amber from 80 %, red at 100 %. */
export function BudgetBar({ budget }: { budget: Budget }) {
  const level = budgetLevel(budget);
  const percent = Math.min(100, Math.floor((budget.spentMicroUsd * 100) / budget.monthlyMicroUsd));
  const text = `${usd(budget.spentMicroUsd)} of ${usd(budget.monthlyMicroUsd)} this month (${budget.mode} budget) · resets ${resetDay(budget)}`;
  return (
    <div className="space-y-1 pt-1" data-testid="budget" data-level={level}>
      <p className={TONE[level][1]}>{level === "reached" ? `Budget reached: ${text}` : `Budget: ${text}`}</p>
      <div
        role="progressbar"
        aria-label="Budget used this month"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %`}
        className="h-1.5 overflow-hidden rounded-full bg-muted"
      >
        <div className={cn("h-full rounded-full", TONE[level][0])} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

const money = (amount: number, currency: string) =>
  currency === "USD" ? usd(Math.round(amount * 1_000_000)) : `${amount.toFixed(2)} ${currency}`;

/**
 * "Balance at OpenRouter: $12.50 of $20.00 left": what the provider says is left on the key (OpenRouter and
 * DeepSeek tell; the server caches it). Nothing until it answers; why not, when it cannot.
 */
export function KeyBalance({ keyId, providerName }: { keyId: string; providerName: string }) {
  const [text, setText] = useState("");
  useEffect(() => {
    let current = true;
    void callApi("keyBalance", { path: { id: keyId } }).then((result) => {
      if (!current) return;
      if (!result.ok) return setText(`Balance unknown: ${result.error.message}`);
      const { currency, remainingUsd, limitUsd } = result.data;
      setText(
        `Balance at ${providerName}: ${money(remainingUsd, currency)}${limitUsd === undefined ? "" : ` of ${money(limitUsd, currency)}`} left`,
      );
    });
    return () => {
      current = false;
    };
  }, [keyId, providerName]);
  return text ? (
    <p className="text-muted-foreground" data-testid="key-balance">
      {text}
    </p>
  ) : null;
}
