import { ShieldX } from "lucide-react";
import { isExpired } from "@/lib/domain/key-use";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { cardAnchor } from "./provider-card-header";

/**
 * The notice at the top of the settings page while a key in use (enabled, unexpired) is rejected by its provider.
 * It goes away when the user acts: replaces the key, disables or deletes it, or tests it successfully again.
 */
export function RejectedKeysNotice({ providers, keys, now }: { providers: ProviderView[]; keys: ListedKeyView[]; now: number }) {
  const inUseAndRejected = (k: ListedKeyView) => k.isEnabled && !isExpired(k, now) && k.health === "rejected";
  const rejected = providers.filter((p) => keys.some((k) => k.providerId === p.id && inUseAndRejected(k)));
  if (rejected.length === 0) return null;
  const names = rejected.map((p) => p.name);
  const title =
    rejected.length === 1
      ? `Your ${names[0]} API key was rejected by ${names[0]}`
      : `${rejected.length} of your API keys were rejected by their providers`;
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-destructive/40 bg-destructive/10 p-4 text-sm text-destructive" data-testid="rejected-keys-notice">
      <ShieldX className="mt-0.5 size-5 shrink-0" aria-hidden />
      <div className="space-y-1">
        <p className="font-semibold">{title}</p>
        <p>
          Requests that need {rejected.length === 1 ? "it" : "them"} will fail until you update, disable or delete{" "}
          {rejected.length === 1 ? "it" : "them"}, or test {rejected.length === 1 ? "it" : "them"} successfully again.
        </p>
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {rejected.map((p) => (
            <li key={p.id}>
              <a href={`#${cardAnchor(p)}`} className="font-medium underline underline-offset-4">
                Go to the {p.name} key
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
