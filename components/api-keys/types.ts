import type { RegistryId } from "@/lib/providers/catalogue";

/** A provider as the settings page shows it (plain data from the server). */
export interface ProviderView {
  id: string;
  registryId: RegistryId;
  name: string;
  description: string;
}

/** A stored key as the browser knows it: masked, never the plaintext. Dates as ISO strings. */
export interface KeyView {
  providerId: string;
  apiKey: string;
  isEnabled: boolean;
  updatedAt: string;
  lastValidatedAt: string | null;
  needsReentry: boolean;
}
