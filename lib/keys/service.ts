import "server-only";
import { getProvider, type ProviderRecord } from "@/lib/db/providers";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { checkProviderKey } from "@/lib/providers/endpoint-check";
import type { KeyCheckResult } from "@/lib/providers/key-status";
import { limitKeyValidation } from "@/lib/rate-limits";
import type { KeyTestResult, SaveApiKeyInput, SavedKeyView } from "@/lib/validation/api-keys";
import { recordKeyHealth } from "./health";
import { openStoredApiKey, storeApiKey } from "./vault";
import { toKeyView } from "./view";

/**
 * Everything about a key that talks to its provider: save (after a check) and test. A provider is a built-in of
 * the catalogue or one of the user's own custom endpoints (another user's is not found); an endpoint is asked
 * through the outbound guard, with nothing but this user's key for it (or no key at all).
 */

export async function requireProvider(userId: string, providerId: string): Promise<ProviderRecord> {
  const provider = await getProvider(userId, providerId);
  if (!provider) throw new AppError("provider_not_found", "There is no such provider.");
  return provider;
}

/** A key to send: `null` ("no key") is the empty string for a custom endpoint, and a 400 for anything else. */
function keyToSend(provider: ProviderRecord, apiKey: string | null): string {
  if (apiKey !== null) return apiKey;
  if (provider.registryId === "custom") return "";
  const message = `${provider.name} needs an API key.`;
  throw new AppError("invalid_body", `apiKey: ${message}`, { details: { fields: { apiKey: message } } });
}

async function check(userId: string, provider: ProviderRecord, apiKey: string): Promise<KeyCheckResult> {
  await limitKeyValidation(userId);
  return checkProviderKey(provider, apiKey);
}

/**
 * Checks the key with its provider, then saves it. A rejected key is a 400 and an unreachable provider a 502,
 * with nothing saved unless the user asked to skip the check; a limited key (real, but throttled or out of
 * credit) is saved and the answer says so. A custom endpoint the guard refuses is a 400 endpoint_not_allowed.
 * The saved row carries the check's health.
 */
export async function saveApiKey(userId: string, input: SaveApiKeyInput): Promise<SavedKeyView> {
  const provider = await requireProvider(userId, input.providerId);
  const apiKey = keyToSend(provider, input.apiKey);
  const stored = input.apiKey === null ? null : apiKey;
  if (input.skipValidation) {
    return { ...toKeyView(await storeApiKey(userId, provider.id, stored)), validation: null };
  }
  const result = await check(userId, provider, apiKey);
  if (result.status === "invalid") throw new AppError("invalid_api_key", result.message);
  if (result.status === "unreachable") throw new AppError("provider_unreachable", result.message);
  const health = result.status === "limited" ? "limited" : "ok";
  const saved = await storeApiKey(userId, provider.id, stored, { health, message: result.message });
  return { ...toKeyView(saved), validation: { status: result.status, message: result.message } };
}

/**
 * Tests a key without saving it: the one given (`null`: a custom endpoint without a key), or the stored one.
 * Testing the stored key records its health (with a `key_tested` event). A stored key the keyring cannot open is
 * answered `undecryptable` (the user must enter it again), not an error.
 */
export async function testApiKey(userId: string, input: { providerId: string; apiKey?: string | null }): Promise<KeyTestResult> {
  const provider = await requireProvider(userId, input.providerId);
  if (input.apiKey !== undefined) return check(userId, provider, keyToSend(provider, input.apiKey));

  let stored;
  try {
    stored = await openStoredApiKey(userId, provider.id);
  } catch (error) {
    if (!(error instanceof KeyDecryptionError)) throw error;
    return { valid: false, status: "undecryptable", message: `Your saved ${provider.name} key can no longer be read. Please enter it again.` };
  }
  if (!stored) throw new AppError("api_key_not_found", `You have no saved ${provider.name} key to test.`);
  const result = await check(userId, provider, stored.apiKey);
  const { status, message } = result;
  if (status !== "undecryptable") {
    await recordKeyHealth({ userId, providerId: provider.id, encryptedKey: stored.sealed }, { status, message }, "test", { tested: true });
  }
  return result;
}
