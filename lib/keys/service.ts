import "server-only";
import { usdToMicro } from "@/lib/domain/money";
import { getProvider, type ProviderRecord } from "@/lib/db/providers";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { checkProviderKey } from "@/lib/providers/endpoint-check";
import type { KeyCheckResult } from "@/lib/domain/key-status";
import { limitKeyValidation } from "@/lib/rate-limits";
import { setProviderFallback } from "@/lib/db/provider-settings";
import { getSealedUserApiKeyById } from "@/lib/db/keys-for-use";
import { changeUserApiKey, deleteUserApiKeyById } from "@/lib/db/user-api-keys-by-id";
import { deleteUserApiKey, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import type {
  KeyTestResult,
  KeyView,
  SaveApiKeyInput,
  SavedKeyView,
  TestApiKeyInput,
  UpdateApiKeyInput,
} from "@/lib/validation/api-keys";
import { recordKeyHealth } from "./health";
import { type OpenedApiKey, openSealedRow, openStoredApiKey, storeApiKey } from "./vault";
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
  const target = { label: input.label, expiresAt: input.expiresAt };
  if (input.skipValidation) {
    return { ...toKeyView(await storeApiKey(userId, provider.id, stored, null, target)), validation: null };
  }
  const result = await check(userId, provider, apiKey);
  if (result.status === "invalid") throw new AppError("invalid_api_key", result.message);
  if (result.status === "unreachable") throw new AppError("provider_unreachable", result.message);
  const health = result.status === "limited" ? "limited" : "ok";
  const saved = await storeApiKey(userId, provider.id, stored, { health, message: result.message }, target);
  return { ...toKeyView(saved), validation: { status: result.status, message: result.message } };
}

/**
 * Tests a key without saving it: the one given (`null`: a custom endpoint without a key), a stored key by its id,
 * or the provider's primary. Testing a stored key records its health (with a `key_tested` event). A stored key the
 * keyring cannot open is answered `undecryptable` (the user must enter it again), not an error.
 */
export async function testApiKey(userId: string, input: TestApiKeyInput): Promise<KeyTestResult> {
  if (input.id !== undefined) {
    const stored = await openOwnKey(userId, input.id);
    if (!stored) throw new AppError("api_key_not_found", "You have no such key.");
    if ("unreadable" in stored) return unreadable(stored.unreadable);
    return testStored(userId, await requireProvider(userId, stored.providerId), stored);
  }
  const provider = await requireProvider(userId, input.providerId!);
  if (input.apiKey !== undefined) return check(userId, provider, keyToSend(provider, input.apiKey));

  let stored;
  try {
    stored = await openStoredApiKey(userId, provider.id);
  } catch (error) {
    if (!(error instanceof KeyDecryptionError)) throw error;
    return unreadable(provider.name);
  }
  if (!stored) throw new AppError("api_key_not_found", `You have no saved ${provider.name} key to test.`);
  return testStored(userId, provider, stored);
}

const unreadable = (providerName: string): KeyTestResult => ({
  valid: false,
  status: "undecryptable",
  message: `Your saved ${providerName} key can no longer be read. Please enter it again.`,
});

/** The user's key of that id, opened; `{ unreadable: providerName }` when the keyring cannot open it. */
async function openOwnKey(userId: string, id: string) {
  const row = await getSealedUserApiKeyById(userId, id);
  if (!row) return null;
  try {
    return await openSealedRow(userId, row);
  } catch (error) {
    if (!(error instanceof KeyDecryptionError)) throw error;
    return { unreadable: (await requireProvider(userId, row.providerId)).name };
  }
}

async function testStored(userId: string, provider: ProviderRecord, stored: OpenedApiKey): Promise<KeyTestResult> {
  const result = await check(userId, provider, stored.apiKey);
  const { status, message } = result;
  if (status !== "undecryptable") {
    await recordKeyHealth(
      { userId, providerId: provider.id, encryptedKey: stored.sealed, id: stored.id },
      { status, message },
      "test",
      { tested: true },
    );
  }
  return result;
}

/** Changes one of the user's keys by its id (label, enabled, position, expiry, budget): one statement. */
export async function changeApiKey(userId: string, id: string, changes: UpdateApiKeyInput): Promise<KeyView> {
  const { budget, ...rest } = changes;
  const inMicro =
    budget === undefined ? {} : { budget: budget && { microUsd: usdToMicro(budget.monthlyUsd), mode: budget.mode } };
  const result = await changeUserApiKey(userId, id, { ...rest, ...inMicro });
  if ("record" in result) return toKeyView(result.record);
  if (result.problem === "not_found") throw new AppError("api_key_not_found", "You have no such key.");
  const message = `position must be between 0 and ${result.keys - 1} (this provider has ${result.keys} ${result.keys === 1 ? "key" : "keys"}).`;
  throw new AppError("invalid_body", `position: ${message}`, { details: { fields: { position: message } } });
}

/** Deletes one of the user's keys by its id; the provider's other keys move up. */
export async function removeApiKey(userId: string, id: string): Promise<{ success: true }> {
  if (!(await deleteUserApiKeyById(userId, id))) throw new AppError("api_key_not_found", "You have no such key.");
  return { success: true };
}

const noKeyForProvider = () => new AppError("api_key_not_found", "You have no API key for that provider.");

/** The seed's by-provider delete: the provider's keys, all of them (DELETE /api/user/api-keys). */
export async function removeProviderKeys(userId: string, providerId: string): Promise<{ success: true }> {
  if (!(await deleteUserApiKey(userId, providerId))) throw noKeyForProvider();
  return { success: true };
}

/** The seed's by-provider toggle: enables or disables the provider's keys (PATCH /api/user/api-keys). */
export async function enableProviderKeys(userId: string, providerId: string, isEnabled: boolean): Promise<KeyView> {
  const row = await setUserApiKeyEnabled(userId, providerId, isEnabled);
  if (!row) throw noKeyForProvider();
  return toKeyView(row);
}

/** "Always use my first key" (fallback false) for one of the user's providers. */
export async function setFallback(userId: string, providerId: string, fallback: boolean) {
  const provider = await requireProvider(userId, providerId);
  return setProviderFallback(userId, provider.id, fallback);
}
