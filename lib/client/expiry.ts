/** What a card says about a key's expiry, as a plain function of the time (tested on its own). */

const DAY_MS = 86_400_000;
/** A key's card warns this long before it expires. */
const EXPIRY_WARNING_DAYS = 7;

type ExpiryState = { kind: "expired" } | { kind: "soon"; days: number } | { kind: "later" } | { kind: "never" };

function expiryState(expiresAt: string | null, now: number): ExpiryState {
  if (!expiresAt) return { kind: "never" };
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return { kind: "expired" };
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return { kind: "later" };
  return { kind: "soon", days: Math.ceil(left / DAY_MS) };
}

/** "Expired", "Expires in 3 days", "Expires in 1 day"; null when there is nothing to warn about. */
export function expiryBadgeText(expiresAt: string | null, now: number): string | null {
  const state = expiryState(expiresAt, now);
  if (state.kind === "expired") return "Expired";
  if (state.kind === "soon") return `Expires in ${state.days} ${state.days === 1 ? "day" : "days"}`;
  return null;
}
