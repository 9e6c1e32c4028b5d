import "server-only";
import type { LanguageModel } from "ai";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";
import { createProviderFromRegistry } from "@/lib/providers/ai-sdk";
import { type KeyForUse, noUsableKeyError, openApiKeysForUse } from "./vault";

/**
 * Language models that run on the user's own keys. Keys are decrypted in memory for this call only and
 * `lastUsedAt` is stamped on the first. No key, only disabled or expired keys, or only unreadable keys is a typed
 * error; there is no fallback to a server key.
 */

/** A model on one of the user's keys, with the key (its id for health and usage, its mask for X-Key-Hint). */
export interface KeyedLanguageModel {
  key: KeyForUse;
  model: LanguageModel;
}

/**
 * One model per usable key, in the user's order (only the first when "Always use my first key" is on): what a
 * caller walks with `withKeyFallback` (lib/keys/fallback.ts), trying the next when one is rejected, limited or
 * unreachable before any output.
 */
export async function getUserLanguageModels(
  userId: string,
  registryId: string,
  modelId: string,
): Promise<KeyedLanguageModel[]> {
  const provider = await getProviderByRegistryId(registryId);
  if (!provider) throw new AppError("provider_not_found", `There is no provider "${registryId}".`);
  const keys = await openApiKeysForUse(userId, provider.id);
  if (keys.length === 0) {
    throw await noUsableKeyError(userId, provider, {
      disabled: `Your ${provider.name} API key is disabled or expired. Enable it in Settings to use it.`,
      missing: `You have no ${provider.name} API key. Add one in Settings.`,
    });
  }
  return keys.map((key) => ({ key, model: createProviderFromRegistry(registryId, key.apiKey).languageModel(modelId) }));
}

/** The model on the user's first usable key. */
export async function getUserLanguageModel(userId: string, registryId: string, modelId: string) {
  const [first] = await getUserLanguageModels(userId, registryId, modelId);
  return first!.model;
}
