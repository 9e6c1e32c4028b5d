import "server-only";
import { holdsKek, readableKekIds } from "@/lib/crypto/kek/ring";
import type { ActivityRecord } from "@/lib/db/key-events";
import { listedKeysJson } from "@/lib/db/key-list-json";
import type { ApiKeyRecord, ListedApiKey } from "@/lib/db/user-api-keys";
import type { ActivityEventView } from "@/lib/validation/activity";
import { utcToday } from "@/lib/db/usage-window";
import { monthOf } from "@/lib/domain/money";
import type { BudgetView, KeyView, ListedKeyView } from "@/lib/validation/api-keys";

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * A stored key as clients see it (the REST rows and the settings page's props): the mask, never the plaintext;
 * dates as ISO strings; `needsReentry` when this server no longer holds the KEK that wrapped it (the keyring's or
 * the token's: lib/crypto/kek/ring.ts), known without decrypting or asking the token.
 */
export function toKeyView(record: ApiKeyRecord): KeyView {
  return {
    id: record.id,
    providerId: record.providerId,
    apiKey: record.keyHint,
    isEnabled: record.isEnabled,
    label: record.label,
    position: record.position,
    expiresAt: iso(record.expiresAt),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    lastValidatedAt: iso(record.lastValidatedAt),
    needsReentry: !holdsKek(record.keyId),
    health: record.health,
    healthCheckedAt: iso(record.healthCheckedAt),
    healthMessage: record.healthMessage,
    lastUsedAt: iso(record.lastUsedAt),
    budget: budgetView(record),
  };
}

/**
 * A row's monthly budget as clients see it: the month's spend (a figure stored for another month counts as 0) and
 * when it resets; null without one. `today` is a UTC day (YYYY-MM-DD). Keys and access tokens share it.
 */
export function budgetView(
  row: Pick<ApiKeyRecord, "budgetMicroUsd" | "budgetMode" | "spendMonth" | "spendMicroUsd">,
  today = utcToday(),
): BudgetView {
  if (row.budgetMicroUsd === null || row.budgetMode === null) return null;
  const { month, resetsAt } = monthOf(today);
  return {
    monthlyMicroUsd: row.budgetMicroUsd,
    mode: row.budgetMode,
    spentMicroUsd: row.spendMonth === month ? row.spendMicroUsd : 0,
    resetsAt,
  };
}

/**
 * The key list's answer as JSON text, written by the database in the shape of toListedKeyView (lib/db/
 * key-list-json.ts), behind a live session: null when it has ended.
 */
export function listedKeyViewsJson(userId: string, sessionId: string): Promise<string | null> {
  return listedKeysJson(userId, sessionId, [...readableKekIds()]);
}

/** A row of the listing: the key and its 30-day usage totals. */
export function toListedKeyView(row: ListedApiKey): ListedKeyView {
  return { ...toKeyView(row), usage: row.usage };
}

/** An activity event as clients see it: the id as a string (it is a bigint), the detail as stored. */
export function toActivityEvent(record: ActivityRecord): ActivityEventView {
  return {
    id: String(record.id),
    at: record.at.toISOString(),
    type: record.type,
    providerId: record.providerId,
    detail: record.detail,
  };
}
