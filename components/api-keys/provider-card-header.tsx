import { CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { KeyBadges } from "./key-status";

/** The card's element id (`#provider-openai`, or by id for an endpoint: a user may have several). */
export const cardAnchor = (provider: ProviderView) =>
  `provider-${provider.registryId === "custom" ? provider.id : provider.registryId}`;

/** The provider's name and description (an endpoint: its base URL), with the badges of the key that would serve now. */
export function ProviderCardHeader({
  provider,
  keys,
  serving,
  now,
}: {
  provider: ProviderView;
  keys: ListedKeyView[];
  serving: ListedKeyView | undefined;
  now: number;
}) {
  const endpoint = provider.registryId === "custom";
  return (
    <CardHeader>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <CardTitle id={`${cardAnchor(provider)}-title`} className="min-w-0 break-words">
          {provider.name}
        </CardTitle>
        <KeyBadges keys={keys} serving={serving} endpoint={endpoint} now={now} />
      </div>
      {endpoint ? (
        <CardDescription className="truncate font-mono text-xs" title={provider.baseUrl}>
          {provider.baseUrl}
        </CardDescription>
      ) : provider.description ? (
        <CardDescription>{provider.description}</CardDescription>
      ) : null}
    </CardHeader>
  );
}
