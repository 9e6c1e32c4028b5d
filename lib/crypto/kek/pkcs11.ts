import "server-only";
import { randomBytes } from "node:crypto";
import { KeyDecryptionError, KeyServiceUnavailableError } from "@/lib/errors";
import { IV_BYTES, TAG_BYTES } from "../aes-gcm";
import type { Kek } from "./kek";
import { TokenTimeout } from "./pkcs11-calls";
import { type Pkcs11Config, pkcs11KekId } from "./pkcs11-config";
import type { Pkcs11js } from "./pkcs11-library";
import { type Pkcs11Token, tokenFor } from "./pkcs11-token";

/**
 * The `pkcs11` backend: a KEK is an AES-256 key inside a PKCS#11 token (an HSM; SoftHSM2 in tests), created
 * non-extractable by `npm run kek:init`. The token does the wrapping: AES-GCM (CKM_AES_GCM) over the 32-byte data
 * key, with a random 96-bit IV from this process and the associated data binding KEK id and owner, so the key
 * itself never leaves the token. A wrapped data key is iv ‖ ciphertext ‖ tag, as the local backend's.
 */
class Pkcs11Kek implements Kek {
  readonly id: string;

  constructor(
    private readonly token: Pkcs11Token,
    private readonly label: string,
  ) {
    this.id = pkcs11KekId(label);
  }

  async wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer> {
    try {
      const wrapped = await this.encrypt(dataKey, aad);
      this.token.answered();
      return wrapped;
    } catch (error) {
      throw error instanceof KeyServiceUnavailableError ? error : this.token.unavailable(error);
    }
  }

  async unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    if (wrapped.length <= IV_BYTES + TAG_BYTES) throw new KeyDecryptionError("malformed");
    try {
      const dataKey = await this.decrypt(wrapped, aad);
      this.token.answered();
      return dataKey;
    } catch (error) {
      if (error instanceof KeyServiceUnavailableError) throw error;
      if (error instanceof TokenTimeout) throw this.token.unavailable(error);
      // A tag that does not authenticate is CKR_GENERAL_ERROR from SoftHSM, as a failing device may answer: a
      // round trip of the token's own tells which it was.
      if (await this.roundTrips()) throw new KeyDecryptionError("authentication_failed", { cause: error });
      throw this.token.unavailable(error);
    }
  }

  /** Wraps and unwraps a random key: whether this key works right now. Throws what the token said when not. */
  async selfTest(): Promise<void> {
    const probe = randomBytes(32);
    const aad = Buffer.from(`self-test|${this.id}`);
    const back = await this.decrypt(await this.encrypt(probe, aad), aad);
    if (!back.equals(probe)) throw new Error("the token's AES-GCM round trip gave back other bytes");
  }

  private async roundTrips(): Promise<boolean> {
    return this.selfTest().then(
      () => true,
      () => false,
    );
  }

  private async encrypt(dataKey: Buffer, aad: Buffer): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const sealed = await this.token.withKey(this.label, (library, session, key) => {
      library.C_EncryptInit(session, gcm(this.token.p11, iv, aad), key);
      return library.C_EncryptAsync(session, dataKey, Buffer.alloc(dataKey.length + TAG_BYTES));
    });
    return Buffer.concat([iv, sealed]);
  }

  private async decrypt(wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    const iv = wrapped.subarray(0, IV_BYTES);
    const sealed = wrapped.subarray(IV_BYTES);
    return this.token.withKey(this.label, (library, session, key) => {
      library.C_DecryptInit(session, gcm(this.token.p11, iv, aad), key);
      return library.C_DecryptAsync(session, sealed, Buffer.alloc(sealed.length));
    });
  }
}

const gcm = (p11: Pkcs11js, iv: Buffer, aad: Buffer) => ({
  mechanism: p11.CKM_AES_GCM,
  parameter: { type: p11.CK_PARAMS_AES_GCM, iv, aad, ivBits: IV_BYTES * 8, tagBits: TAG_BYTES * 8 },
});

export type { Pkcs11Kek };

/** One KEK per label of PKCS11_KEY_LABELS, the first (the one that wraps) first. Connects on first use. */
export async function tokenKeks(config: Pkcs11Config): Promise<Pkcs11Kek[]> {
  const token = await tokenFor(config);
  return config.keyLabels.map((label) => new Pkcs11Kek(token, label));
}
