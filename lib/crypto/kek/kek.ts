/**
 * A key-encryption key (KEK): what wraps each stored key's own data key (lib/crypto/envelope.ts). A backend gives
 * one object per key it holds; its id is what an envelope and the UserApiKey row's `keyId` name, so a listing
 * knows without decrypting which rows this server can open.
 *
 * `wrap` and `unwrap` are the only operations, both on 32-byte data keys with associated data that binds the wrap
 * to its KEK id and owner. `unwrap` throws KeyDecryptionError("authentication_failed") when the wrapped bytes do
 * not open under this key (tampered, moved, or another key of the same name), and KeyServiceUnavailableError when
 * the key's service cannot answer (an HSM down): the first asks the user to enter the key again, the second is a
 * 503 and loses nothing.
 *
 * Backends: local.ts (the API_KEY_ENCRYPTION_KEYS keyring, in this process) and pkcs11.ts (an AES key inside a
 * PKCS#11 token, which does the work). A cloud KMS (AWS KMS Encrypt/Decrypt, Google Cloud KMS, Vault Transit)
 * would be a third class implementing this interface, created in ring.ts's `tokenKeks`-like branch for its own
 * KEK_BACKEND value, with ids of its own prefix (e.g. `kms:<alias>`); nothing else would change.
 */
export interface Kek {
  /** Letters, digits, "_", "-" and ":" only: it is stored in a dot-separated envelope and a comma-joined list. */
  readonly id: string;
  wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

/** A configuration mistake found at start or by a script: the message names the variable to fix. */
export class KekConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KekConfigError";
  }
}
