/**
 * Money as integers, end to end (Stripe keeps integer minor units): amounts are micro-dollars (USD × 1,000,000)
 * and prices micro-dollars per million tokens, so a price of $2.50 per million tokens is 2,500,000 and one token
 * at that price costs 2.5 micro-dollars. Plain functions, safe for client bundles; formatting is lib/client/format.ts.
 */

/** A price per million input and output tokens, in micro-dollars. */
export interface TokenPrice {
  inputMicroUsdPerMTok: number;
  outputMicroUsdPerMTok: number;
}

export const MICRO_PER_USD = 1_000_000;

/** Dollars given with at most 6 decimals (a price, a budget) as micro-dollars, exactly: 0.1 → 100,000. */
export function usdToMicro(usd: number): number {
  return Math.round(usd * MICRO_PER_USD);
}

/** Micro-dollars as a dollar number for an API answer (`inputPerMTokUsd`): 2,500,000 → 2.5. */
export function microToUsd(micro: number): number {
  return micro / MICRO_PER_USD;
}

/** Whether a dollar amount has at most 6 decimals (what micro-dollars can hold exactly). */
export function hasAtMostSixDecimals(usd: number): boolean {
  return Math.abs(usd * MICRO_PER_USD - Math.round(usd * MICRO_PER_USD)) < 1e-6;
}

/**
 * What `usage` costs at `price`, in whole micro-dollars: Σ tokens × price per million tokens ÷ 1,000,000, in exact
 * integer arithmetic, rounded half up once for the whole answer (so an answer of 5 + 5 tokens at $2.50 / $10 per
 * million costs 62.5 → 63 micro-dollars, never 62 or 63 depending on floating point).
 */
export function costMicroUsd(usage: { inputTokens: number; outputTokens: number }, price: TokenPrice): number {
  const scaled =
    BigInt(whole(usage.inputTokens)) * BigInt(price.inputMicroUsdPerMTok) +
    BigInt(whole(usage.outputTokens)) * BigInt(price.outputMicroUsdPerMTok);
  return Number((scaled + 500_000n) / 1_000_000n);
}

const whole = (n: number) => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/** The first day of the UTC month of `day` (YYYY-MM-DD), and the instant the next month starts (ISO). */
export function monthOf(day: string): { month: string; resetsAt: string } {
  const [year, month] = day.split("-").map(Number) as [number, number];
  const next = new Date(Date.UTC(year, month, 1));
  return { month: `${day.slice(0, 7)}-01`, resetsAt: next.toISOString() };
}
