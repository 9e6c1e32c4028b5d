"use client";

import { useState } from "react";
import { toast } from "@/lib/client/toast";
import { requestJson } from "@/lib/client/api";
import { ProviderCard } from "./provider-card";
import type { KeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

interface ApiKeysSectionProps {
  providers: ProviderView[];
  initialKeys: KeyView[];
  /** The server's clock at render, so relative times match between server and browser. */
  now: number;
}

/** The "Provider API Keys" section: one card per provider; every change updates its card in place. */
export function ApiKeysSection({ providers, initialKeys, now }: ApiKeysSectionProps) {
  const [keys, setKeys] = useState<Record<string, KeyView>>(() =>
    Object.fromEntries(initialKeys.map((k) => [k.providerId, k])),
  );
  const [toggling, setToggling] = useState<Record<string, boolean>>({});

  const put = (providerId: string, key: KeyView | undefined) =>
    setKeys((current) => {
      const next = { ...current };
      if (key) next[providerId] = key;
      else delete next[providerId];
      return next;
    });

  async function toggle(provider: ProviderView, isEnabled: boolean) {
    const before = keys[provider.id];
    if (!before) return;
    put(provider.id, { ...before, isEnabled }); // optimistic; rolled back below on failure
    setToggling((t) => ({ ...t, [provider.id]: true }));
    const result = await requestJson<KeyView>("PATCH", "/api/user/api-keys", { providerId: provider.id, isEnabled });
    setToggling((t) => ({ ...t, [provider.id]: false }));
    if (result.ok) {
      put(provider.id, result.data);
      toast.success(`${provider.name} API key ${isEnabled ? "enabled" : "disabled"}`);
    } else {
      put(provider.id, result.error.code === "api_key_not_found" ? undefined : before);
      toast.error(`Couldn't ${isEnabled ? "enable" : "disable"} the ${provider.name} key`, { description: result.error.message });
    }
  }

  return (
    <section aria-labelledby="provider-api-keys" className="space-y-4">
      <div className="space-y-1">
        <h2 id="provider-api-keys" className="text-lg font-semibold">
          Provider API Keys
        </h2>
        <p className="text-sm text-muted-foreground">
          Your own keys, used for your requests to each provider. Keys are encrypted at rest and shown only masked.
        </p>
      </div>
      {providers.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-sm text-muted-foreground">
          No providers are available yet. An administrator can add them with <code>npm run db:seed</code>.
        </p>
      ) : (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          {providers.map((provider) => (
            <ProviderCard
              key={provider.id}
              provider={provider}
              apiKey={keys[provider.id]}
              now={now}
              toggling={toggling[provider.id] ?? false}
              onToggle={(isEnabled) => void toggle(provider, isEnabled)}
              onSaved={(key) => put(provider.id, key)}
              onDeleted={() => put(provider.id, undefined)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
