import "server-only";
import { DEFAULT_KEY_LABEL } from "@/lib/domain/key-facts";
import { AppError } from "@/lib/errors";
import { monthOf } from "@/lib/domain/money";

/** "$12.50" for a budget in a sentence (server side; the browser formats with lib/client/format.ts). */
const dollars = (micro: number) => `$${(micro / 1_000_000).toFixed(2)}`;

/** When this month's budgets start again: "1 January 2027 at 00:00 UTC". */
export function budgetResetWords(now = new Date()): string {
  const resetsAt = new Date(monthOf(now.toISOString().slice(0, 10)).resetsAt);
  return `${resetsAt.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })} at 00:00 UTC`;
}

/**
 * 402 budget_exceeded for a provider whose usable keys have all reached their hard monthly budgets: says which
 * budget and when it resets (CONTRACT-WAVE3 "Spend and budgets").
 */
export function keyBudgetExceeded(
  providerName: string,
  keys: { label: string; budgetMicroUsd: number | null }[],
): AppError {
  const named = keys.map(
    (key) => `${key.label === DEFAULT_KEY_LABEL ? "your" : `“${key.label}”`} key's ${dollars(key.budgetMicroUsd ?? 0)}`,
  );
  const which =
    named.length === 1 ? `${named[0]} monthly budget is` : `the monthly budgets of your keys (${named.join(", ")}) are`;
  return new AppError(
    "budget_exceeded",
    `${providerName}: ${which} spent. It resets on ${budgetResetWords()}; raise or remove the budget in Settings to use the key before then.`,
  );
}

/** 402 budget_exceeded for an access token whose own hard monthly budget is spent. */
export function tokenBudgetExceeded(tokenName: string, budgetMicroUsd: number | null): AppError {
  return new AppError(
    "budget_exceeded",
    `The access token “${tokenName}” has spent its monthly budget of ${dollars(budgetMicroUsd ?? 0)}. ` +
      `It resets on ${budgetResetWords()}; raise or remove the token's budget in Settings to use it before then.`,
  );
}
