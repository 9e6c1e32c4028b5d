import type { KeyHealth } from "./key-facts";

/** What these rules read of a key (a listed key, KeyView, has them all). */
interface KeyUse {
  isEnabled: boolean;
  needsReentry: boolean;
  health: KeyHealth;
}
interface KeyInOrder extends KeyUse {
  position: number;
  expiresAt: string | null;
  budget?: { mode: string; monthlyMicroUsd: number; spentMicroUsd: number } | null;
}

/** The server can send requests with this key: it is enabled and can still be opened. */
export const canUse = (key: KeyUse): boolean => key.isEnabled && !key.needsReentry;

/** The Playground offers chatting with this key: usable, and its provider has not rejected it. */
export const canChat = (key: KeyUse): boolean => canUse(key) && key.health !== "rejected";

/** The key has an expiry and it has passed (`now` in ms): it is never used again. */
export const isExpired = (key: { expiresAt: string | null }, now: number): boolean =>
  key.expiresAt !== null && Date.parse(key.expiresAt) <= now;

/** The key's hard monthly budget is spent: requests skip it until the month ends. */
export const budgetSpent = (key: Pick<KeyInOrder, "budget">): boolean =>
  key.budget?.mode === "hard" && key.budget.spentMicroUsd >= key.budget.monthlyMicroUsd;

/**
 * The key a request to its provider would go to first: the first key in the provider's order that is enabled,
 * unexpired, can still be opened and has budget left (lib/db/keys-for-use.ts reads the same keys in the same order;
 * the vault skips one it cannot open, the budgets one that is spent). What the card's health, border and
 * "Primary" badge are about.
 */
export function servingKey<K extends KeyInOrder>(keys: readonly K[], now: number): K | undefined {
  return inOrder(keys).find((key) => canUse(key) && !isExpired(key, now) && !budgetSpent(key));
}

/** The first key still in turn (enabled, unexpired), whether or not it can serve: what stops it is worth showing. */
export function keyInTurn<K extends KeyInOrder>(keys: readonly K[], now: number): K | undefined {
  return inOrder(keys).find((key) => key.isEnabled && !isExpired(key, now));
}

const inOrder = <K extends KeyInOrder>(keys: readonly K[]): K[] => [...keys].sort((a, b) => a.position - b.position);

/** Some key of the provider can be used now: the models list and the playground are worth offering. */
export const anyUsable = (keys: readonly KeyInOrder[], now: number): boolean =>
  keys.some((key) => canUse(key) && !isExpired(key, now));

/** Some key of the provider can chat now. */
export const anyChat = (keys: readonly KeyInOrder[], now: number): boolean =>
  keys.some((key) => canChat(key) && !isExpired(key, now));
