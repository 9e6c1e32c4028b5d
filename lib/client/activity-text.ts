import { BUDGET_WARNING_PERCENT, DEFAULT_KEY_LABEL, type KeyHealth } from "@/lib/domain/key-facts";
import type { ActivityEventView } from "@/lib/validation/activity";
import { usd } from "./format";

/** The sentence the activity panel shows for an event. Plain functions of the event: tested on their own. */

const HEALTH: Record<KeyHealth, string> = {
  ok: "working",
  rejected: "rejected",
  limited: "limited",
  unreachable: "unreachable",
  unchecked: "not checked",
};

const SOURCE: Record<NonNullable<ActivityEventView["detail"]["source"]>, string> = {
  save: "when saved",
  test: "by a test",
  models: "while listing its models",
  recheck: "by a scheduled re-check",
  chat: "during a request",
  gateway: "during a request through an access token",
};

export function describeEvent(event: ActivityEventView, providerName: string | undefined): string {
  const { detail } = event;
  const named = detail.label && detail.label !== DEFAULT_KEY_LABEL ? ` “${detail.label}”` : "";
  const key = `the ${providerName ?? "provider's"} key${named}`;
  switch (event.type) {
    case "key_created":
      return `Added ${key}${detail.checked === false ? " without a check" : ""}`;
    case "key_replaced":
      return `Replaced ${key}${detail.checked === false ? " without a check" : ""}`;
    case "key_deleted":
      return `Deleted ${key}`;
    case "key_enabled":
      return `Enabled ${key}`;
    case "key_disabled":
      return `Disabled ${key}`;
    case "key_tested":
      return `Tested ${key}: ${HEALTH[detail.health ?? "unchecked"]}`;
    case "key_health_changed": {
      const found = detail.source ? ` ${SOURCE[detail.source]}` : "";
      return `${capitalise(key)} is now ${HEALTH[detail.to ?? "unchecked"]} (was ${HEALTH[detail.from ?? "unchecked"]}), found${found}`;
    }
    case "key_rotated":
      return `Re-encrypted ${key} with the server's new encryption key`;
    case "key_renamed":
      return `Renamed ${key}${detail.previousLabel ? ` (was “${detail.previousLabel}”)` : ""}`;
    case "key_moved":
      return detail.position === 0
        ? `Made ${key} the first to use`
        : `Moved ${key} to place ${(detail.position ?? 0) + 1}`;
    case "key_expiry_changed":
      return detail.expiresAt
        ? `Set ${key} to expire on ${detail.expiresAt.slice(0, 10)}`
        : `Set ${key} to never expire`;
    case "fallback_changed":
      return detail.fallback === false
        ? `${capitalise(providerName ?? "the provider")}: always use the first key`
        : `${capitalise(providerName ?? "the provider")}: fall back to the next key when one fails`;
    case "signed_in":
      return "Signed in";
    case "password_changed":
      return "Changed the password";
    case "sessions_revoked":
      return "Signed out everywhere";
    case "token_created":
      return `Created the access token “${detail.name ?? ""}”`;
    case "token_revoked":
      return `Revoked the access token “${detail.name ?? ""}”`;
    case "budget_warning":
      return `${capitalise(key)} has used ${BUDGET_WARNING_PERCENT} % of its monthly budget (${spendOf(detail)})`;
    case "budget_reached":
      return `${capitalise(key)} has reached its monthly budget (${spendOf(detail)})`;
  }
}

const spendOf = (detail: ActivityEventView["detail"]) =>
  `${usd(detail.spentMicroUsd ?? 0)} of ${usd(detail.budgetMicroUsd ?? 0)}`;

/** Whether an event is bad news, for its icon and colour. */
export function isWarning(event: ActivityEventView): boolean {
  return (
    (event.type === "key_health_changed" && event.detail.to !== "ok") ||
    event.type === "budget_warning" ||
    event.type === "budget_reached"
  );
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
