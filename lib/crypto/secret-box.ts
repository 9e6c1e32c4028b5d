import "server-only";
import { channel } from "node:diagnostics_channel";
import { KeyDecryptionError } from "@/lib/errors";
import { gcmDecrypt, gcmEncrypt, IV_BYTES, TAG_BYTES } from "./aes-gcm";
import type { Keyring } from "./keyring";

/**
 * The first AES-256-GCM envelope for stored API keys, sealed directly under a keyring key:
 *   v1.<keyId>.<iv>.<ciphertext>.<tag>  (base64url parts).
 * Keys saved before key-encryption keys (lib/crypto/envelope.ts, v2) are in this form: they still open, with the
 * keyring, and `npm run keys:rotate` moves them to v2. New keys are never sealed so.
 * The associated data binds the ciphertext to its row owner and provider, and to the version and key id in the
 * header, so a ciphertext copied to another row or relabelled fails authentication instead of decrypting.
 */
const VERSION = "v1";

export interface SealContext {
  userId: string;
  providerId: string;
}

export interface Sealed {
  envelope: string;
  keyId: string;
}

/**
 * Binds an envelope to its user and provider: moved to another user's or provider's row, it no longer opens. Not
 * to the key's label (a user may keep several keys per provider, each named): a rename must not re-encrypt, and
 * the label is the user's to change, not part of what the key is.
 */
function associatedData(keyId: string, { userId, providerId }: SealContext): Buffer {
  return Buffer.from(`${VERSION}|${keyId}|${userId}|${providerId}`, "utf8");
}

/**
 * `allowEmpty` is for a custom endpoint saved without a key (lib/keys/vault.ts): its row is sealed like any other,
 * so listing, rotation and use treat it alike. Anywhere else an empty key is a bug, refused here.
 */
export function seal(
  keyring: Keyring,
  plaintext: string,
  context: SealContext,
  options: { allowEmpty?: boolean } = {},
): Sealed {
  if (plaintext.length === 0 && !options.allowEmpty) throw new TypeError("Refusing to encrypt an empty API key.");
  const keyId = keyring.activeId;
  const { iv, ciphertext, tag } = gcmEncrypt(
    keyring.keys.get(keyId)!,
    Buffer.from(plaintext, "utf8"),
    associatedData(keyId, context),
  );
  const parts = [VERSION, keyId, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")];
  return { envelope: parts.join("."), keyId };
}

/** The key id an envelope names, without decrypting; undefined when the envelope is not ours. */
export function envelopeKeyId(envelope: string): string | undefined {
  const parts = envelope.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

/**
 * Every decryption attempt, of either version (here and lib/crypto/envelope.ts), is published on this diagnostics
 * channel as `{ keyId }` (the envelope's key id, no key material): tests and the benchmarks count "keys decrypted
 * per list" by subscribing. Nothing is sent unless someone listens.
 */
export const DECRYPT_CHANNEL = "byok:crypto:decrypt";
export const decryptions = channel(DECRYPT_CHANNEL);

export function open(keyring: Keyring, envelope: string, context: SealContext): string {
  if (decryptions.hasSubscribers) decryptions.publish({ keyId: envelopeKeyId(envelope) });
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw new KeyDecryptionError("malformed");
  const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) throw new KeyDecryptionError("unknown_key_id");
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new KeyDecryptionError("malformed");
  try {
    const ciphertext = Buffer.from(ciphertextText, "base64url");
    return gcmDecrypt(key, { iv, ciphertext, tag }, associatedData(keyId, context)).toString("utf8");
  } catch (cause) {
    throw new KeyDecryptionError("authentication_failed", { cause });
  }
}
