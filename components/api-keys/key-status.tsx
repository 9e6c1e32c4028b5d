import { AlertCircle, AlertTriangle, CheckCircle, Clock, CloudOff, ShieldX } from "lucide-react";
import type { ComponentProps } from "react";
import { Badge } from "@/components/ui/badge";
import { keyInTurn } from "@/lib/domain/key-use";
import { expiryBadgeText } from "@/lib/client/expiry";
import { compactCount } from "@/lib/client/format";
import { relativeTime } from "@/lib/client/relative-time";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";

/** What a card says about its key: the badges, the health line, the usage line. Plain views of the key's fields. */

const HEALTH_BADGE = {
  rejected: { variant: "destructive", icon: ShieldX, label: "Rejected" },
  limited: { variant: "warning", icon: AlertTriangle, label: "Limited" },
  unreachable: { variant: "muted", icon: CloudOff, label: "Unreachable" },
} as const;

/** The badge of a key its provider refused, throttled or did not answer for; nothing for a working or unchecked one. */
export function HealthBadge({ health, ...props }: { health: KeyView["health"] } & ComponentProps<"span">) {
  if (!(health in HEALTH_BADGE)) return null;
  const badge = HEALTH_BADGE[health as keyof typeof HEALTH_BADGE];
  return (
    <Badge variant={badge.variant} {...props}>
      <badge.icon aria-hidden />
      {badge.label}
    </Badge>
  );
}

/** "Expired" or "Expires in 3 days" (from 7 days before); nothing for a key far from its expiry or without one. */
export function ExpiryBadge({ expiresAt, now }: { expiresAt: string | null; now: number }) {
  const text = expiryBadgeText(expiresAt, now);
  if (!text) return null;
  return (
    <Badge
      variant={text === "Expired" ? "destructive" : "warning"}
      data-testid="expiry-badge"
      title={expiresAt ?? undefined}
    >
      <Clock aria-hidden />
      {text}
    </Badge>
  );
}

/**
 * The card's badges: whether a key is saved, then the state of the key that would serve a request now (`serving`:
 * its health, expiry; when none can, the first key still in turn, which says why: it must be entered again), or
 * "Not in use" when every key is disabled or expired.
 * `endpoint`: a custom endpoint, which may need no key at all. `now`: the time expiry is measured from.
 */
export function KeyBadges({
  keys,
  serving,
  endpoint,
  now,
}: {
  keys: KeyView[];
  serving: KeyView | undefined;
  endpoint: boolean;
  now: number;
}) {
  if (keys.length === 0) {
    return (
      <Badge variant="warning">
        <AlertCircle aria-hidden />
        {endpoint ? "Not Set Up" : "API Key Required"}
      </Badge>
    );
  }
  // No key can serve: the first one in turn says why (to enter again, its budget spent).
  const shown = serving ?? keyInTurn(keys, now);
  return (
    <span className="flex flex-wrap gap-1.5">
      <Badge variant="success">
        <CheckCircle aria-hidden />
        {(shown ?? keys[0])!.apiKey === "" ? "No Key Needed" : "API Key Set"}
      </Badge>
      {shown ? (
        <>
          <HealthBadge health={shown.health} data-testid="health-badge" />
          <ExpiryBadge expiresAt={shown.expiresAt} now={now} />
          {shown.needsReentry ? <ReentryBadge /> : null}
        </>
      ) : (
        <Badge data-testid="not-in-use">Not in use</Badge>
      )}
    </span>
  );
}

export function ReentryBadge() {
  return (
    <Badge variant="destructive">
      <AlertTriangle aria-hidden />
      Needs re-entry
    </Badge>
  );
}

/** One line: what the provider last said, and when. */
export function HealthLine({ apiKey, now }: { apiKey: KeyView; now: number }) {
  if (apiKey.needsReentry) return <>This key can no longer be read by the server. Enter it again to keep using it.</>;
  const checked = apiKey.healthCheckedAt ? ` Checked ${relativeTime(apiKey.healthCheckedAt, now)}.` : "";
  switch (apiKey.health) {
    case "ok":
      return <>Verified {relativeTime(apiKey.healthCheckedAt ?? apiKey.lastValidatedAt ?? apiKey.updatedAt, now)}</>;
    case "unchecked":
      return (
        <>
          {apiKey.lastValidatedAt ? `Verified ${relativeTime(apiKey.lastValidatedAt, now)}` : "Saved without a check"}
        </>
      );
    default:
      return <>{`${apiKey.healthMessage ?? "The provider could not confirm this key."}${checked}`}</>;
  }
}

/** "Used 5 minutes ago · 12.4k tokens in 30 days", or that it has not been used. */
export function UsageLine({ apiKey, now }: { apiKey: ListedKeyView; now: number }) {
  const { usage } = apiKey;
  const tokens = usage.inputTokens + usage.outputTokens;
  const used = apiKey.lastUsedAt ? `Used ${relativeTime(apiKey.lastUsedAt, now)}` : "Not used yet";
  const amount = usage.requests === 0 ? "no requests in 30 days" : `${compactCount(tokens)} tokens in 30 days`;
  const failed = usage.errors > 0 ? ` · ${compactCount(usage.errors)} failed` : "";
  return <>{`${used} · ${amount}${failed}`}</>;
}
