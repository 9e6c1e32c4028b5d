import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM in this process, with a random 96-bit IV per call and a 128-bit tag: what the secret box (v1), the
 * envelope's payload (v2) and the local key-encryption key all use. Nothing else here: no formats, no key ids.
 */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface GcmSealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): GcmSealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** The plaintext; throws when the tag does not authenticate (wrong key, tampered bytes, other associated data). */
export function gcmDecrypt(key: Buffer, { iv, ciphertext, tag }: GcmSealed, aad: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** iv ‖ ciphertext ‖ tag, as one buffer (a wrapped data key). */
export const joinSealed = ({ iv, ciphertext, tag }: GcmSealed): Buffer => Buffer.concat([iv, ciphertext, tag]);

/** The inverse of joinSealed; undefined when the bytes are too short to hold an IV and a tag. */
export function splitSealed(bytes: Buffer): GcmSealed | undefined {
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  return {
    iv: bytes.subarray(0, IV_BYTES),
    ciphertext: bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}
