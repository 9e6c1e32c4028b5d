import "server-only";
import { createGuardedFetch } from "@/lib/net/outbound";
import type { KeyCheckResult } from "@/lib/domain/key-status";
import { checkApiKey, type KeyCheckOptions, MAX_KEY_CHECK_BYTES, runKeyCheck } from "./key-check";
import { fetchModelList, MAX_PAGE_BYTES, type ModelListResult, readModelList } from "./model-list";
import { providerTimeoutMs } from "./provider-get";
import { ENDPOINT_API } from "./provider-api";

/**
 * Asks a custom endpoint about a key: `GET <baseUrl>/models` with the key as a Bearer token (no header at all for
 * an endpoint saved without a key), through the outbound guard: a refused address is an EndpointNotAllowedError
 * before any connection. Nothing but the user's own key for this endpoint is ever attached.
 */
async function checkEndpointKey(
  endpoint: { name: string; baseUrl: string },
  apiKey: string,
  options: KeyCheckOptions = {},
): Promise<KeyCheckResult> {
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs();
  return runKeyCheck(
    {
      name: endpoint.name,
      label: "custom",
      url: `${endpoint.baseUrl}${ENDPOINT_API.keyCheck.path}`,
      authHeaders: ENDPOINT_API.authHeaders(apiKey),
      spec: ENDPOINT_API.keyCheck,
      fetch: createGuardedFetch({ timeoutMs, maxBytes: MAX_KEY_CHECK_BYTES }),
    },
    { ...options, timeoutMs },
  );
}

/** The models a custom endpoint lists for a key, through the guard. */
async function listEndpointModels(
  endpoint: { name: string; baseUrl: string },
  apiKey: string,
): Promise<ModelListResult> {
  const timeoutMs = providerTimeoutMs();
  const fetch = createGuardedFetch({ timeoutMs, maxBytes: MAX_PAGE_BYTES });
  return readModelList(
    { name: endpoint.name, label: "custom", baseUrl: endpoint.baseUrl, api: ENDPOINT_API, apiKey, fetch },
    { timeoutMs },
  );
}

/** A built-in (by its registry id) or a custom endpoint (registry id "custom", with its base URL). */
interface AnyProvider {
  registryId: string;
  name: string;
  baseUrl?: string;
}

const isEndpoint = (provider: AnyProvider): provider is AnyProvider & { baseUrl: string } =>
  provider.registryId === "custom" && typeof provider.baseUrl === "string";

/** A key check for any provider: a built-in at its catalogue address, an endpoint through the guard. */
export function checkProviderKey(
  provider: AnyProvider,
  apiKey: string,
  options: KeyCheckOptions = {},
): Promise<KeyCheckResult> {
  return isEndpoint(provider)
    ? checkEndpointKey(provider, apiKey, options)
    : checkApiKey(provider.registryId, apiKey, options);
}

/** The model list for any provider. */
export function listProviderModels(provider: AnyProvider, apiKey: string): Promise<ModelListResult> {
  return isEndpoint(provider) ? listEndpointModels(provider, apiKey) : fetchModelList(provider.registryId, apiKey);
}
