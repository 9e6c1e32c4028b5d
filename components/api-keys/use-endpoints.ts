"use client";

import { useState } from "react";
import { originOf } from "@/lib/client/origin";
import type { EndpointView } from "@/lib/validation/endpoints";
import type { ProviderView } from "@/lib/validation/providers";

export type EndpointProvider = Extract<ProviderView, { registryId: "custom" }>;

const toProvider = (endpoint: EndpointView): EndpointProvider => ({
  id: endpoint.id,
  registryId: "custom",
  name: endpoint.name,
  description: "",
  baseUrl: endpoint.baseUrl,
});

/**
 * The page's providers as the user's custom endpoints change: one added (its card opens its key dialog), renamed
 * or moved, or deleted. `keysGone` is told when an endpoint's keys went with the change.
 */
export function useEndpoints(initial: ProviderView[], keysGone: (providerId: string) => void) {
  const [providers, setProviders] = useState(initial);
  const [justAdded, setJustAdded] = useState<string | null>(null);
  return {
    providers,
    justAdded,
    added(endpoint: EndpointView) {
      setProviders((list) => [...list, toProvider(endpoint)]);
      setJustAdded(endpoint.id);
    },
    changed(before: EndpointProvider, after: EndpointView) {
      setProviders((list) => list.map((p) => (p.id === after.id ? toProvider(after) : p)));
      // The server removes the saved key of an endpoint moved to another origin (lib/db/endpoints.ts).
      if (originOf(before.baseUrl) !== originOf(after.baseUrl)) keysGone(after.id);
    },
    deleted(endpoint: EndpointProvider) {
      setProviders((list) => list.filter((p) => p.id !== endpoint.id));
      keysGone(endpoint.id);
    },
  };
}
