import "server-only";
import { providerBaseUrlOverride } from "@/lib/env";
import type { ProviderInfo } from "@/lib/domain/catalogue";

/** Where a provider is reached: PROVIDER_BASE_URL_<REGISTRYID> (proxies, tests) or the catalogue default. */
export function providerBaseURL(provider: Pick<ProviderInfo, "registryId" | "defaultBaseURL">): string {
  return providerBaseUrlOverride(provider.registryId) ?? provider.defaultBaseURL.replace(/\/+$/, "");
}
