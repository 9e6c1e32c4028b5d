import "server-only";
import { DEV_KEY_ID, DEV_KEYRING_FILE, KEYRING_ENV } from "@/lib/crypto/keyring";
import { kekSettings } from "@/lib/crypto/kek/ring";
import { keysPerKek } from "@/lib/db/key-rotation";
import { LOCAL_DATA_DIR } from "@/lib/local-secrets";
import { log } from "@/lib/log";

/**
 * Stored keys this server cannot open, counted at start from their KEK ids alone (one statement over the keyId
 * index; nothing decrypted, the token not asked), with what to do about them. The common case: keys saved in
 * development, with the key generated into .data/, read by a production server on the same data.
 */
export async function unreadableKeys(): Promise<Record<string, number>> {
  const { readableIds } = kekSettings();
  const perKek = await keysPerKek();
  for (const id of readableIds) perKek.delete(id);
  return Object.fromEntries(perKek);
}

/** What an operator can do about keys of these KEK ids, in sentences. */
export function unreadableKeysAdvice(byKek: Record<string, number>): string {
  const ids = Object.keys(byKek);
  const advice = ids.map((id) => {
    if (id.startsWith("pkcs11:"))
      return `if the token still holds "${id.slice(7)}", add that label to PKCS11_KEY_LABELS (after the first)`;
    if (id === DEV_KEY_ID) {
      return `${DEV_KEY_ID} is the key development generates into ${LOCAL_DATA_DIR}/${DEV_KEYRING_FILE}: add that file's line after the first entry of ${KEYRING_ENV}`;
    }
    return `add the key "${id}" after the first entry of ${KEYRING_ENV}`;
  });
  return `${advice.join("; ")}; then run \`npm run keys:rotate\` to move them under ${kekSettings().wrappingId}. Otherwise their users see "Needs re-entry" and must enter them again.`;
}

/** Logs the count and the advice when there is anything to say. */
export async function reportUnreadableKeys(): Promise<void> {
  const byKek = await unreadableKeys();
  const total = Object.values(byKek).reduce((sum, n) => sum + n, 0);
  if (total === 0) return;
  const list = Object.entries(byKek)
    .map(([id, n]) => `${id}: ${n}`)
    .join(", ");
  log.warn(
    { scope: "keys", unreadable: byKek },
    `${total} stored ${total === 1 ? "key was" : "keys were"} sealed by keys this server does not hold (${list}). ${unreadableKeysAdvice(byKek)}`,
  );
}
