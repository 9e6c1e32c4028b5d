import "server-only";
import { getProvider } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";
import { checkApiKey } from "./key-check";
import type { KeyCheckResult } from "./key-status";

/** The seed's `testApiKey`, for real: asks the provider (by ModelProvider id) whether the key is good. */
export async function testApiKey(providerId: string, apiKey: string): Promise<KeyCheckResult> {
  const provider = await getProvider(providerId);
  if (!provider) throw new AppError("provider_not_found", "There is no such provider.");
  return checkApiKey(provider.registryId, apiKey);
}
