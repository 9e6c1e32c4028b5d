/**
 * The values stored in UserApiKey.health and KeyEvent: plain data shared by the schema, the API shapes
 * (lib/validation) and the settings page.
 */

/** What a provider last said about a stored key; `unchecked` until one has been asked. */
export const KEY_HEALTH = ["ok", "rejected", "limited", "unreachable", "unchecked"] as const;
export type KeyHealth = (typeof KEY_HEALTH)[number];

/** What made the server talk to the provider about a stored key. */
export const HEALTH_SOURCES = ["save", "test", "models", "recheck", "chat", "gateway"] as const;
export type HealthSource = (typeof HEALTH_SOURCES)[number];

/**
 * Every kind of activity event. The account events (`signed_in`, `password_changed`, `sessions_revoked`) are
 * written by the account code with the helpers of lib/db/key-events.ts.
 */
export const KEY_EVENT_TYPES = [
  "key_created",
  "key_replaced",
  "key_deleted",
  "key_enabled",
  "key_disabled",
  "key_tested",
  "key_health_changed",
  "key_rotated",
  "key_renamed",
  "key_moved",
  "key_expiry_changed",
  "fallback_changed",
  "signed_in",
  "password_changed",
  "sessions_revoked",
  "token_created",
  "token_revoked",
  "budget_warning",
  "budget_reached",
] as const;
export type KeyEventType = (typeof KEY_EVENT_TYPES)[number];

/** How many keys a user may keep for one provider (the schema enforces it: positions 0 to this - 1, unique). */
export const MAX_KEYS_PER_PROVIDER = 5;

/** A monthly budget's kind: `hard` refuses requests once the month's spend reaches it, `soft` only warns. */
export const BUDGET_MODES = ["hard", "soft"] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];

/** The share of a budget at which `budget_warning` is written and the settings page warns. */
export const BUDGET_WARNING_PERCENT = 80;

/** How many access tokens (the gateway's personal tokens) a user may hold. */
export const MAX_ACCESS_TOKENS_PER_USER = 20;

/** The label of a provider's first key when none is given. */
export const DEFAULT_KEY_LABEL = "Default";

/**
 * What an event adds to its type. Only values this server chose (never a key, a mask, or a provider's words):
 * - key_created / key_replaced: `checked` (the provider was asked first) and the resulting `health`;
 * - key_tested: the resulting `health`;
 * - key_health_changed: `from`, `to` and the `source` of the contact;
 * - the key events also carry the key's `label` (the user's own name for it, never its material); key_renamed
 *   its `previousLabel`, key_moved its new `position`, key_expiry_changed its `expiresAt`;
 * - fallback_changed: `fallback` (false: "Always use my first key");
 * - token_created / token_revoked: the token's `tokenId` and `name` (the user's own name for it, never the token);
 * - budget_warning / budget_reached: the key's `label`, the `month` (YYYY-MM), `spentMicroUsd` and `budgetMicroUsd`.
 */
export interface KeyEventDetail {
  checked?: boolean;
  health?: KeyHealth;
  from?: KeyHealth;
  to?: KeyHealth;
  source?: HealthSource;
  label?: string;
  previousLabel?: string;
  position?: number;
  expiresAt?: string | null;
  fallback?: boolean;
  tokenId?: string;
  name?: string;
  month?: string;
  spentMicroUsd?: number;
  budgetMicroUsd?: number;
}
