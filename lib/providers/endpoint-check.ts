import "server-only";
import { createGuardedFetch } from "@/lib/net/outbound";
import type { KeyCheckResult } from "./key-status";
import { MAX_KEY_CHECK_BYTES, providerTimeoutMs, runKeyCheck } from "./key-check";
import { ENDPOINT_API } from "./provider-api";

/**
 * Asks a custom endpoint about a key: `GET <baseUrl>/models` with the key as a Bearer token (no header at all for
 * an endpoint saved without a key), through the outbound guard: a refused address is an EndpointNotAllowedError
 * before any connection. Nothing but the user's own key for this endpoint is ever attached.
 */
export async function checkEndpointKey(
  endpoint: { name: string; baseUrl: string },
  apiKey: string,
  options: { timeoutMs?: number } = {},
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
    timeoutMs,
  );
}
