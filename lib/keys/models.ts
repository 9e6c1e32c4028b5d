import "server-only";
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { getSealedUserApiKey } from "@/lib/db/user-api-keys";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { listProviderModels } from "@/lib/providers/endpoint-check";
import type { ModelInfo } from "@/lib/providers/provider-api";
import { limitKeyValidation } from "@/lib/rate-limits";
import type { ModelListView } from "@/lib/validation/models";
import { recordKeyHealth } from "./health";
import { requireProvider } from "./service";
import { canOpenEnvelope, openEnvelope } from "./vault";

/**
 * The models the user's stored key can reach, asked of the provider with that key. Answers are cached in this
 * process per (user, provider, stored envelope) for at most 10 minutes, so a replaced key is never answered
 * from its predecessor's cache; a cache hit reads one row and decrypts nothing. Failures are not cached. Every
 * answer of the provider updates the key's health (lib/keys/health.ts).
 */

const CACHE_TTL_MS = 10 * 60 * 1000;
const cache = new LRUCache<string, { models: ModelInfo[]; fetchedAt: string }>({ max: 1_000, ttl: CACHE_TTL_MS });

const cacheKey = (userId: string, providerId: string, envelope: string) =>
  `${userId}:${providerId}:${createHash("sha256").update(envelope).digest("base64url")}`;

export async function listModelsForKey(userId: string, providerId: string): Promise<ModelListView> {
  const provider = await requireProvider(userId, providerId);
  const stored = await getSealedUserApiKey(userId, provider.id);
  if (!stored) throw new AppError("api_key_not_found", `You have no saved ${provider.name} key.`);
  if (!stored.isEnabled) {
    throw new AppError("api_key_disabled", `Your ${provider.name} API key is disabled. Enable it to list its models.`);
  }
  // A key that needs re-entry is not answered for, not even from the cache (409, as when opening it fails).
  if (!canOpenEnvelope(stored.encryptedKey)) throw new KeyDecryptionError("unknown_key_id");
  const key = cacheKey(userId, provider.id, stored.encryptedKey);
  const cached = cache.get(key);
  if (cached) return { providerId: provider.id, ...cached };

  const apiKey = openEnvelope(stored.encryptedKey, { userId, providerId: provider.id }); // 409 when unreadable
  await limitKeyValidation(userId);
  const result = await listProviderModels(provider, apiKey);
  const checked = { userId, providerId: provider.id, encryptedKey: stored.encryptedKey };
  if (result.status !== "valid") {
    await recordKeyHealth(checked, result, "models");
    throw new AppError(result.status === "invalid" ? "invalid_api_key" : "provider_unreachable", result.message);
  }
  if (result.provesKey) await recordKeyHealth(checked, result, "models");
  const entry = { models: result.models, fetchedAt: new Date().toISOString() };
  cache.set(key, entry);
  return { providerId: provider.id, ...entry };
}
