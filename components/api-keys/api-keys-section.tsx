"use client";

import { lazy, type ReactNode, Suspense } from "react";
import { AddEndpointCard, EditEndpointButton } from "@/components/endpoints/endpoint-triggers";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { keysOf } from "./keys-state";
import { ProviderCard } from "./provider-card";
import { RejectedKeysNotice } from "./rejected-keys-notice";
import { type EndpointProvider, useEndpoints } from "./use-endpoints";
import { type KeyChanges, useKeyChanges } from "./use-key-changes";

// Loaded only while some key has a budget: most pages have none, and the page's JavaScript has a budget.
const BudgetNotice = lazy(() => import("./budget-notice").then((m) => ({ default: m.BudgetNotice })));

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

interface CardsProps {
  changes: KeyChanges;
  charts: Record<string, ReactNode>;
}

/**
 * "Provider API Keys" (the notice about rejected keys, then one card per built-in provider) and "Custom
 * Endpoints" (one card per endpoint of the user's, and one to add another). Every change shows on its card at
 * once (and tells the activity panel); after the provider was asked about a stored key (a save, a test, a models
 * list) the keys are read again: its health, and the notice, follow what the provider said.
 */
export function ApiKeysSection({ providers, initialKeys, firstKeyOnly = [], charts = {}, now }: ApiKeysSectionProps) {
  const changes = useKeyChanges(initialKeys, firstKeyOnly, now);
  const endpoints = useEndpoints(providers, changes.cleared);
  const builtIns = endpoints.providers.filter((p) => p.registryId !== "custom");
  return (
    <>
      <BuiltInProviders providers={builtIns} everyProvider={endpoints.providers} changes={changes} charts={charts} />
      <CustomEndpoints endpoints={endpoints} changes={changes} charts={charts} />
    </>
  );
}

/** One provider's card, wired to the page's keys. */
function KeysCard({
  provider,
  changes,
  charts,
  extra = {},
}: CardsProps & { provider: ProviderView; extra?: { actions?: ReactNode; startOpen?: boolean } }) {
  const { state } = changes;
  return (
    <ProviderCard
      provider={provider}
      keys={keysOf(state.keys, provider.id)}
      fallback={!state.firstOnly.has(provider.id)}
      charts={charts}
      now={state.clock}
      changes={changes}
      {...extra}
    />
  );
}

function BuiltInProviders({
  providers,
  everyProvider,
  ...cards
}: CardsProps & { providers: ProviderView[]; everyProvider: ProviderView[] }) {
  return (
    <section aria-labelledby="provider-api-keys" className="space-y-4">
      <RejectedKeysNotice providers={everyProvider} keys={cards.changes.state.keys} now={cards.changes.state.clock} />
      {cards.changes.state.keys.some((k) => k.budget) ? (
        <Suspense fallback={null}>
          <BudgetNotice providers={everyProvider} keys={cards.changes.state.keys} />
        </Suspense>
      ) : null}
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
            <KeysCard key={provider.id} provider={provider} {...cards} />
          ))}
        </div>
      )}
    </section>
  );
}

function CustomEndpoints({ endpoints, ...cards }: CardsProps & { endpoints: ReturnType<typeof useEndpoints> }) {
  const list = endpoints.providers.filter((p): p is EndpointProvider => p.registryId === "custom");
  return (
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
        {list.map((endpoint) => (
          <KeysCard
            key={endpoint.id}
            provider={endpoint}
            {...cards}
            extra={{
              startOpen: endpoint.id === endpoints.justAdded,
              actions: (
                <EditEndpointButton
                  endpoint={endpoint}
                  fallbackFocusId="custom-endpoints"
                  onSaved={(after) => endpoints.changed(endpoint, after)}
                  onDeleted={() => endpoints.deleted(endpoint)}
                />
              ),
            }}
          />
        ))}
        <AddEndpointCard count={list.length} onAdded={endpoints.added} />
      </div>
    </section>
  );
}
