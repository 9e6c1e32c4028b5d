import "server-only";
import type { ProviderInfo } from "./catalogue";

/** Where a provider is reached: PROVIDER_BASE_URL_<REGISTRYID> (proxies, tests) or the catalogue default. */
export function providerBaseURL(provider: Pick<ProviderInfo, "registryId" | "defaultBaseURL">): string {
  const override = process.env[`PROVIDER_BASE_URL_${provider.registryId.toUpperCase()}`]?.trim();
  return (override || provider.defaultBaseURL).replace(/\/+$/, "");
}
