import "server-only";
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { getSealedUserApiKeyById } from "@/lib/db/keys-for-use";
import { AppError } from "@/lib/errors";
import { BALANCE_API } from "@/lib/providers/balance-api";
import { providerBaseURL } from "@/lib/providers/base-url";
import { getProviderInfo } from "@/lib/domain/catalogue";
import { describeNetworkFailure, providerGet, providerTimeoutMs } from "@/lib/providers/provider-get";
import { PROVIDER_API } from "@/lib/providers/provider-api";
import { limitKeyValidation } from "@/lib/rate-limits";
import type { BalanceView } from "@/lib/validation/spend";
import { requireProvider } from "./service";
import { openSealedRow } from "./vault";

/**
 * A stored key's balance at its provider (GET /api/user/api-keys/<id>/balance), where the provider tells it:
 * asked with that key, cached like the models list (per user, key and stored envelope, at most 10 minutes: a
 * replaced key is never answered from its predecessor's), failures not cached. Other providers: 404.
 */

const CACHE_TTL_MS = 10 * 60 * 1000;
const MAX_ANSWER_BYTES = 1 << 20;
const cache = new LRUCache<string, BalanceView>({ max: 1_000, ttl: CACHE_TTL_MS });

export async function keyBalance(userId: string, keyId: string): Promise<BalanceView> {
  const row = await getSealedUserApiKeyById(userId, keyId);
  if (!row) throw new AppError("api_key_not_found", "You have no such key.");
  const provider = await requireProvider(userId, row.providerId);
  const spec = provider.registryId === "custom" ? undefined : BALANCE_API[provider.registryId];
  const info = getProviderInfo(provider.registryId);
  if (!spec || !info) throw new AppError("balance_not_supported", `${provider.name} does not tell a key's balance.`);
  const cacheKey = `${userId}:${row.id}:${createHash("sha256").update(row.encryptedKey).digest("base64url")}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  await limitKeyValidation(userId);
  const { apiKey } = await openSealedRow(userId, row); // 409 when the keyring cannot open it; 503 when the key service is down
  const timeoutMs = providerTimeoutMs();
  let answer;
  try {
    answer = await providerGet(
      `${providerBaseURL(info)}${spec.path}`,
      PROVIDER_API[info.registryId].authHeaders(apiKey),
      {
        signal: AbortSignal.timeout(timeoutMs),
        maxBytes: MAX_ANSWER_BYTES,
      },
    );
  } catch (error) {
    throw new AppError(
      "provider_unreachable",
      describeNetworkFailure(error, provider.name, "read the key's balance", timeoutMs),
    );
  }
  if (answer.status === 401 || answer.status === 403)
    throw new AppError("invalid_api_key", `${provider.name} refused this key.`);
  const reading = answer.status === 200 ? spec.read(answer.body) : undefined;
  if (!reading)
    throw new AppError(
      "provider_unreachable",
      `${provider.name} did not tell this key's balance (HTTP ${answer.status}).`,
    );
  const balance = { ...reading, fetchedAt: new Date().toISOString() };
  cache.set(cacheKey, balance);
  return balance;
}
