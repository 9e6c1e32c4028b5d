import "server-only";
import type { ProviderRecord } from "@/lib/db/providers";
import { assertUrlAllowed } from "@/lib/net/outbound";

/**
 * A custom endpoint the outbound guard refuses right now (its URL rules, or an address its name resolves to) is an
 * EndpointNotAllowedError (400 `endpoint_not_allowed`, with the reason), thrown before a caller starts answering:
 * the playground refuses as the key routes do, instead of a 200 stream that ends in an error. Built-in providers
 * pass: their addresses come from the catalogue or the operator.
 */
export async function assertEndpointAllowed(provider: ProviderRecord): Promise<void> {
  if (provider.registryId === "custom") await assertUrlAllowed(provider.baseUrl);
}
