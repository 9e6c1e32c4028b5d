import "server-only";
import { KeyDecryptionError } from "@/lib/errors";
import { gcmDecrypt, gcmEncrypt, joinSealed, splitSealed } from "../aes-gcm";
import type { Keyring } from "../keyring";
import type { Kek } from "./kek";

/**
 * The `local` backend: each key of the API_KEY_ENCRYPTION_KEYS keyring is a KEK, its id the keyring id. Wrapping
 * is AES-256-GCM in this process (a few microseconds), so whoever holds the environment holds these KEKs: the
 * default, for development and for deployments without an HSM.
 */
class LocalKek implements Kek {
  constructor(
    readonly id: string,
    private readonly key: Buffer,
  ) {}

  async wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer> {
    return joinSealed(gcmEncrypt(this.key, dataKey, aad));
  }

  async unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    const sealed = splitSealed(wrapped);
    if (!sealed) throw new KeyDecryptionError("malformed");
    try {
      return gcmDecrypt(this.key, sealed, aad);
    } catch (cause) {
      throw new KeyDecryptionError("authentication_failed", { cause });
    }
  }
}

/** One KEK per keyring key, the active one first. */
export function localKeks(keyring: Keyring): Kek[] {
  const ids = [keyring.activeId, ...[...keyring.keys.keys()].filter((id) => id !== keyring.activeId)];
  return ids.map((id) => new LocalKek(id, keyring.keys.get(id)!));
}
