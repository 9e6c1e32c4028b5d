"use client";

import { type ReactNode, useState } from "react";
import { AddEndpointCard, EditEndpointButton } from "@/components/endpoints/endpoint-triggers";
import { requestJson } from "@/lib/client/api";
import { announceKeyChange } from "@/lib/client/key-changes";
import { originOf } from "@/lib/client/origin";
import { toast } from "@/lib/client/toast";
import type { KeyView, ListedKeyView, UsageTotals } from "@/lib/validation/api-keys";
import type { EndpointView } from "@/lib/validation/endpoints";
import type { ProviderView } from "@/lib/validation/providers";
import { ProviderCard } from "./provider-card";
import { RejectedKeysNotice } from "./rejected-keys-notice";

interface ApiKeysSectionProps {
  /** The catalogue, then the user's own custom endpoints (registryId "custom"). */
  providers: ProviderView[];
  initialKeys: ListedKeyView[];
  /** Providers whose user chose "Always use my first key" (fallback off). */
  firstKeyOnly?: string[];
  /** Each key's 30-day usage chart by key id, drawn on the server (usage-chart.tsx). */
  charts?: Record<string, ReactNode>;
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
/** The browser's clock, read in event handlers only (never during render: see `now`). */
const browserClock = () => Date.now();
const NO_USAGE: UsageTotals = { requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 };
const inOrder = (keys: ListedKeyView[]) => [...keys].sort((a, b) => a.position - b.position);
/** Each provider's primary key (the lowest position): what the card's header, toggle and dialog are about. */
const byProvider = (keys: ListedKeyView[]) => Object.fromEntries(inOrder(keys).reverse().map((k) => [k.providerId, k]));

/**
 * "Provider API Keys" (the notice about rejected keys, then one card per built-in provider) and "Custom
 * Endpoints" (one card per endpoint of the user's, and one to add another). Every change updates its card in
 * place (and tells the activity panel). After the provider was asked about a stored key (a test, a models list)
 * the keys are read again: its health, and the notice, follow what the provider said.
 */
export function ApiKeysSection({ providers: initialProviders, initialKeys, firstKeyOnly = [], charts = {}, now }: ApiKeysSectionProps) {
  const [providers, setProviders] = useState(initialProviders);
  const [allKeys, setAllKeys] = useState<ListedKeyView[]>(initialKeys);
  const keys = byProvider(allKeys);
  const [firstOnly, setFirstOnly] = useState(() => new Set(firstKeyOnly));
  const [toggling, setToggling] = useState<Record<string, boolean>>({});
  const [justAdded, setJustAdded] = useState<string | null>(null);
  // The server's clock until something changes here; the browser's from then on (times of new events).
  const [clock, setClock] = useState(now);

  const put = (providerId: string, key: KeyView | undefined) => {
    setClock(browserClock());
    setAllKeys((current) => {
      const before = current.find((k) => k.id === key?.id);
      // Without a key: the provider's keys are gone (a delete by provider, an endpoint moved or deleted).
      if (!key) return current.filter((k) => k.providerId !== providerId);
      // A save or a toggle answers the row without its usage, which stays with the same row.
      const row = { ...key, usage: before ? before.usage : NO_USAGE };
      return before ? current.map((k) => (k.id === key.id ? row : k)) : [...current.filter((k) => !(k.providerId === providerId && k.position === key.position)), row];
    });
  };

  async function reload() {
    const result = await requestJson<ListedKeyView[]>("GET", "/api/user/api-keys");
    if (result.ok) {
      setClock(browserClock());
      setAllKeys(result.data);
    }
    announceKeyChange();
  }

  const changed = (providerId: string, key: KeyView | undefined) => {
    put(providerId, key);
    announceKeyChange();
  };

  async function toggle(provider: ProviderView, isEnabled: boolean) {
    const before = keys[provider.id];
    if (!before) return;
    put(provider.id, { ...before, isEnabled }); // optimistic; rolled back below on failure
    setToggling((t) => ({ ...t, [provider.id]: true }));
    const result = await requestJson<KeyView>("PATCH", "/api/user/api-keys", { providerId: provider.id, isEnabled });
    setToggling((t) => ({ ...t, [provider.id]: false }));
    if (result.ok) {
      changed(provider.id, result.data);
      toast.success(`${provider.name} API key ${isEnabled ? "enabled" : "disabled"}`);
    } else {
      put(provider.id, result.error.code === "api_key_not_found" ? undefined : before);
      toast.error(`Couldn't ${isEnabled ? "enable" : "disable"} the ${provider.name} key`, { description: result.error.message });
    }
  }

  async function setFallback(provider: ProviderView, fallback: boolean) {
    const flip = (on: boolean) => setFirstOnly((set) => new Set([...set].filter((id) => id !== provider.id).concat(on ? [provider.id] : [])));
    flip(!fallback); // optimistic; rolled back below on failure
    const result = await requestJson("PATCH", `/api/providers/${provider.id}/settings`, { fallback });
    if (result.ok) {
      toast.success(fallback ? `${provider.name}: the next key is tried when one fails` : `${provider.name}: always the first key`);
      announceKeyChange();
    } else {
      flip(fallback);
      toast.error(`Couldn't change the ${provider.name} setting`, { description: result.error.message });
    }
  }

  function endpointChanged(before: EndpointProvider, after: EndpointView) {
    setProviders((list) => list.map((p) => (p.id === after.id ? toProvider(after) : p)));
    // The server removes the saved key of an endpoint moved to another origin (lib/db/endpoints.ts).
    if (originOf(before.baseUrl) !== originOf(after.baseUrl)) changed(after.id, undefined);
  }

  function endpointDeleted(endpoint: EndpointProvider) {
    setProviders((list) => list.filter((p) => p.id !== endpoint.id));
    changed(endpoint.id, undefined);
  }

  const card = (provider: ProviderView, extra: { actions?: ReactNode; startOpen?: boolean } = {}) => {
    const apiKey = keys[provider.id];
    return (
      <ProviderCard
        key={provider.id}
        provider={provider}
        apiKey={apiKey}
        keys={inOrder(allKeys.filter((k) => k.providerId === provider.id))}
        fallback={!firstOnly.has(provider.id)}
        onFallbackChange={(fallback) => void setFallback(provider, fallback)}
        onKeysChanged={() => void reload()}
        chart={apiKey ? charts[apiKey.id] : undefined}
        now={clock}
        toggling={toggling[provider.id] ?? false}
        onToggle={(isEnabled) => void toggle(provider, isEnabled)}
        onSaved={(key) => changed(provider.id, key)}
        onDeleted={() => (allKeys.filter((k) => k.providerId === provider.id).length > 1 ? void reload() : changed(provider.id, undefined))}
        onChecked={() => void reload()}
        {...extra}
      />
    );
  };
  const builtIns = providers.filter((p) => !isEndpoint(p));
  const endpoints = providers.filter(isEndpoint);

  return (
    <>
      <section aria-labelledby="provider-api-keys" className="space-y-4">
        <RejectedKeysNotice providers={providers} keys={keys} />
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
