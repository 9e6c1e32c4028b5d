/** Counts as people read them on a card: 950, 12.4k, 3.1M. */
export function compactCount(n: number): string {
  if (n < 1_000) return String(n);
  const [value, unit] = n < 1_000_000 ? [n / 1_000, "k"] : [n / 1_000_000, "M"];
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))}${unit}`;
}

/** "1 model", "12 models". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Micro-dollars (integers, as the API answers money) as people read dollars: "$12.50"; under a dollar, a fraction
 * of a cent is shown rather than rounded away ("$0.012", "$0.0042", down to "$0.000042"); "$0.00" for nothing.
 * Formatting happens here only, at the edge.
 */
export function usd(microUsd: number): string {
  const dollars = microUsd / 1_000_000;
  if (Math.abs(dollars) < 1 && microUsd % 10_000 !== 0) {
    const decimals = Math.abs(dollars) < 0.0001 ? 6 : 4;
    const text = dollars.toFixed(decimals).replace(/0+$/, "");
    return `$${/\.\d\d/.test(text) ? text : dollars.toFixed(2)}`;
  }
  return `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * What some answers cost, never "$0" for answers whose model had no price: "$1.25", "unpriced" (all of them
 * unpriced), "$1.25 + 3 unpriced", or "none" when there were no requests.
 */
export function costText({
  requests,
  costMicroUsd,
  unpricedRequests,
}: {
  requests: number;
  costMicroUsd: number;
  unpricedRequests: number;
}): string {
  if (requests === 0) return "none";
  if (unpricedRequests === 0) return usd(costMicroUsd);
  if (unpricedRequests >= requests) return "unpriced";
  return `${usd(costMicroUsd)} + ${unpricedRequests} unpriced`;
}
