"use client";

import { type ReactNode, useState } from "react";
import { AddEndpointCard, EditEndpointButton } from "@/components/endpoints/endpoint-triggers";
import { toast } from "@/lib/client/toast";
import { requestJson } from "@/lib/client/api";
import { ProviderCard } from "./provider-card";
import type { KeyView } from "@/lib/validation/api-keys";
import type { EndpointView } from "@/lib/validation/endpoints";
import type { ProviderView } from "@/lib/validation/providers";

interface ApiKeysSectionProps {
  /** The catalogue, then the user's own custom endpoints (registryId "custom"). */
  providers: ProviderView[];
  initialKeys: KeyView[];
  /** The server's clock at render, so relative times match between server and browser. */
  now: number;
}

type EndpointProvider = Extract<ProviderView, { registryId: "custom" }>;

const isEndpoint = (provider: ProviderView): provider is EndpointProvider => provider.registryId === "custom";
const toProvider = (endpoint: EndpointView): EndpointProvider => ({
  id: endpoint.id,
  registryId: "custom",
  name: endpoint.name,
  description: "",
  baseUrl: endpoint.baseUrl,
});
const originOf = (url: string) => new URL(url).origin;

/**
 * "Provider API Keys" (one card per built-in provider) and "Custom Endpoints" (one card per endpoint of the
 * user's, and one to add another). Every change updates its card in place.
 */
export function ApiKeysSection({ providers: initialProviders, initialKeys, now }: ApiKeysSectionProps) {
  const [providers, setProviders] = useState(initialProviders);
  const [keys, setKeys] = useState<Record<string, KeyView>>(() =>
    Object.fromEntries(initialKeys.map((k) => [k.providerId, k])),
  );
  const [toggling, setToggling] = useState<Record<string, boolean>>({});
  const [justAdded, setJustAdded] = useState<string | null>(null);

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

  function endpointChanged(before: EndpointProvider, after: EndpointView) {
    setProviders((list) => list.map((p) => (p.id === after.id ? toProvider(after) : p)));
    // The server removes the saved key of an endpoint moved to another origin (lib/db/endpoints.ts).
    if (originOf(before.baseUrl) !== originOf(after.baseUrl)) put(after.id, undefined);
  }

  function endpointDeleted(endpoint: EndpointProvider) {
    setProviders((list) => list.filter((p) => p.id !== endpoint.id));
    put(endpoint.id, undefined);
  }

  const card = (provider: ProviderView, extra: { actions?: ReactNode; startOpen?: boolean } = {}) => (
    <ProviderCard
      key={provider.id}
      provider={provider}
      apiKey={keys[provider.id]}
      now={now}
      toggling={toggling[provider.id] ?? false}
      onToggle={(isEnabled) => void toggle(provider, isEnabled)}
      onSaved={(key) => put(provider.id, key)}
      onDeleted={() => put(provider.id, undefined)}
      {...extra}
    />
  );
  const builtIns = providers.filter((p) => !isEndpoint(p));
  const endpoints = providers.filter(isEndpoint);

  return (
    <>
      <section aria-labelledby="provider-api-keys" className="space-y-4">
        <div className="space-y-1">
          <h2 id="provider-api-keys" className="text-lg font-semibold">
            Provider API Keys
          </h2>
          <p className="text-sm text-muted-foreground">
            Your own keys, used for your requests to each provider. Keys are encrypted at rest and shown only masked.
          </p>
        </div>
        {builtIns.length === 0 ? (
          <p className="rounded-lg border border-dashed p-8 text-center text-sm text-muted-foreground">
            No providers are available yet. An administrator can add them with <code>npm run db:seed</code>.
          </p>
        ) : (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">{builtIns.map((provider) => card(provider))}</div>
        )}
      </section>
      <section aria-labelledby="custom-endpoints" className="space-y-4">
        <div className="space-y-1">
          <h2 id="custom-endpoints" tabIndex={-1} className="text-lg font-semibold outline-none">
            Custom Endpoints
          </h2>
          <p className="text-sm text-muted-foreground">
            Any server that speaks OpenAI&apos;s API, used with your key for it (or none). Only you see your endpoints.
          </p>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          {endpoints.map((endpoint) =>
            card(endpoint, {
              startOpen: endpoint.id === justAdded,
              actions: (
                <EditEndpointButton
                  endpoint={endpoint}
                  fallbackFocusId="custom-endpoints"
                  onSaved={(after) => endpointChanged(endpoint, after)}
                  onDeleted={() => endpointDeleted(endpoint)}
                />
              ),
            }),
          )}
          <AddEndpointCard
            count={endpoints.length}
            onAdded={(endpoint) => {
              setProviders((list) => [...list, toProvider(endpoint)]);
              setJustAdded(endpoint.id);
            }}
          />
        </div>
      </section>
    </>
  );
}
