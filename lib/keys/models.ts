import "server-only";
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { getSealedUserApiKeyById, type KeyForRequest, usableSealedKeys } from "@/lib/db/keys-for-use";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { listProviderModels } from "@/lib/providers/endpoint-check";
import type { ModelInfo } from "@/lib/providers/provider-api";
import { limitKeyValidation } from "@/lib/rate-limits";
import type { ModelListView } from "@/lib/validation/models";
import { withKeyFallback } from "./fallback";
import { recordKeyHealth } from "./health";
import { requireProvider } from "./service";
import { canOpenEnvelope, noUsableKeyError, openEnvelope } from "./vault";

/**
 * The models the user's stored keys can reach, asked of the provider with the first usable key (enabled,
 * unexpired, readable), then the next when one is rejected, limited or unreachable, unless the user chose "Always
 * use my first key". Answers are cached in this process per (user, provider, stored envelope) for at most 10
 * minutes, so a replaced key is never answered from its predecessor's cache; a cache hit reads one statement and
 * decrypts nothing. Failures are not cached. Every answer of the provider updates that key's health
 * (lib/keys/health.ts); the answer says which key served.
 */

const CACHE_TTL_MS = 10 * 60 * 1000;
const cache = new LRUCache<string, { models: ModelInfo[]; fetchedAt: string }>({ max: 1_000, ttl: CACHE_TTL_MS });

const cacheKey = (userId: string, providerId: string, envelope: string) =>
  `${userId}:${providerId}:${createHash("sha256").update(envelope).digest("base64url")}`;

/** One key of the provider's by its id (its models alone), as a request would take it: enabled and unexpired. */
async function oneKey(userId: string, provider: { id: string; name: string }, id: string): Promise<KeyForRequest[]> {
  const row = await getSealedUserApiKeyById(userId, id);
  if (!row || row.providerId !== provider.id)
    throw new AppError("api_key_not_found", `You have no such ${provider.name} key.`);
  if (!row.isEnabled || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) {
    throw new AppError(
      "api_key_disabled",
      `The ${provider.name} key “${row.label}” is disabled or expired. Enable it to list its models.`,
    );
  }
  return [{ id: row.id, label: row.label, keyHint: row.keyHint, encryptedKey: row.encryptedKey }];
}

/** The models of the provider's usable keys (the first that answers), or of one key of theirs (`keyId`). */
export async function listModelsForKey(userId: string, providerId: string, keyId?: string): Promise<ModelListView> {
  const provider = await requireProvider(userId, providerId);
  const keys = keyId
    ? await oneKey(userId, provider, keyId)
    : await usableSealedKeys(userId, provider.id, { stamp: false });
  if (keys.length === 0) {
    throw await noUsableKeyError(userId, provider, {
      disabled: `Your ${provider.name} keys are disabled or expired. Enable one to list its models.`,
      missing: `You have no saved ${provider.name} key.`,
    });
  }
  // A key that needs re-entry is not answered for, not even from the cache (409, as when opening it fails).
  const readable = keys.filter((k) => canOpenEnvelope(k.encryptedKey));
  if (readable.length === 0) throw new KeyDecryptionError("unknown_key_id");
  const servedBy = (key: (typeof readable)[number]) => ({ id: key.id, label: key.label, apiKey: key.keyHint });
  const first = readable[0]!;
  const cached = cache.get(cacheKey(userId, provider.id, first.encryptedKey));
  if (cached) return { providerId: provider.id, ...cached, servedBy: servedBy(first) };

  await limitKeyValidation(userId);
  const result = await withKeyFallback(
    readable,
    async (key) => {
      const apiKey = await openEnvelope(key.encryptedKey, { userId, providerId: provider.id }); // 409 unreadable, 503 KEK down
      const answer = await listProviderModels(provider, apiKey);
      return answer.status === "valid"
        ? { ok: true as const, value: answer }
        : { ok: false as const, status: answer.status, message: answer.message };
    },
    {
      onOutcome: async (key, outcome) => {
        const checked = { userId, providerId: provider.id, encryptedKey: key.encryptedKey, id: key.id };
        if (!outcome.ok) await recordKeyHealth(checked, outcome, "models");
        else if (outcome.value.provesKey) await recordKeyHealth(checked, outcome.value, "models");
      },
    },
  );
  if (!result.ok) {
    const { status, message } = result.failure;
    throw new AppError(status === "invalid" ? "invalid_api_key" : "provider_unreachable", message);
  }
  const entry = { models: result.value.models, fetchedAt: new Date().toISOString() };
  cache.set(cacheKey(userId, provider.id, result.served.encryptedKey), entry);
  return { providerId: provider.id, ...entry, servedBy: servedBy(result.served) };
}
