import "server-only";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { getUserApiKeyForProvider } from "@/lib/db/user-api-keys";
import { AppError } from "@/lib/errors";
import { createProviderFromRegistry } from "@/lib/providers/ai-sdk";
import { openApiKeyForUse } from "./vault";

/**
 * A language model that runs on the user's own key. The key is decrypted in memory for this call only and
 * `lastUsedAt` is stamped. No key, a disabled key or an unreadable key is a typed error; there is no fallback
 * to a server key.
 */
export async function getUserLanguageModel(userId: string, registryId: string, modelId: string) {
  const provider = await getProviderByRegistryId(registryId);
  if (!provider) throw new AppError("provider_not_found", `There is no provider "${registryId}".`);
  const key = await openApiKeyForUse(userId, provider.id);
  if (key === null) {
    // The failure path only: tell "disabled" from "missing".
    const stored = await getUserApiKeyForProvider(userId, provider.id);
    throw stored
      ? new AppError("api_key_disabled", `Your ${provider.name} API key is disabled. Enable it in Settings to use it.`)
      : new AppError("api_key_not_found", `You have no ${provider.name} API key. Add one in Settings.`);
  }
  return createProviderFromRegistry(registryId, key.apiKey).languageModel(modelId);
}
