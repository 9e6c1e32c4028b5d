import "server-only";
import { getKeyring } from "@/lib/crypto/keyring";
import type { ApiKeyRecord } from "@/lib/db/user-api-keys";
import type { KeyView } from "@/lib/validation/api-keys";

/**
 * A stored key as clients see it (the REST rows and the settings page's props): the mask, never the plaintext;
 * dates as ISO strings; `needsReentry` when the key that sealed it has left the keyring, known without decrypting.
 */
export function toKeyView(record: ApiKeyRecord): KeyView {
  return {
    id: record.id,
    providerId: record.providerId,
    apiKey: record.keyHint,
    isEnabled: record.isEnabled,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    lastValidatedAt: record.lastValidatedAt?.toISOString() ?? null,
    needsReentry: !getKeyring().keys.has(record.keyId),
  };
}
