import { ShieldX } from "lucide-react";
import { isExpired } from "@/lib/domain/key-use";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { KeysNotice } from "./keys-notice";
import { cardAnchor } from "./provider-card-header";

/**
 * The notice at the top of the settings page while a key in use (enabled, unexpired) is rejected by its provider.
 * It goes away when the user acts: replaces the key, disables or deletes it, or tests it successfully again.
 */
export function RejectedKeysNotice({
  providers,
  keys,
  now,
}: {
  providers: ProviderView[];
  keys: ListedKeyView[];
  now: number;
}) {
  const inUseAndRejected = (k: ListedKeyView) => k.isEnabled && !isExpired(k, now) && k.health === "rejected";
  const rejected = providers.filter((p) => keys.some((k) => k.providerId === p.id && inUseAndRejected(k)));
  if (rejected.length === 0) return null;
  const names = rejected.map((p) => p.name);
  const one = rejected.length === 1;
  const title = one
    ? `Your ${names[0]} API key was rejected by ${names[0]}`
    : `${rejected.length} of your API keys were rejected by their providers`;
  const it = one ? "it" : "them";
  return (
    <KeysNotice
      tone="destructive"
      icon={ShieldX}
      title={title}
      testId="rejected-keys-notice"
      links={rejected.map((p) => ({ key: p.id, href: `#${cardAnchor(p)}`, text: `Go to the ${p.name} key` }))}
    >
      Requests that need {it} will fail until you update, disable or delete {it}, or test {it} successfully again.
    </KeysNotice>
  );
}
