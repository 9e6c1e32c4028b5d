import "server-only";
import type { Pkcs11Config } from "./pkcs11-config";
import { attributeBool, attributeNumber, type Handle, type Library, type Pkcs11js } from "./pkcs11-library";
import { findSecretKeys } from "./pkcs11-calls";

/**
 * What a token key must be to serve as a KEK, and how `npm run kek:init` makes one: AES-256, sensitive (its value
 * is never readable), never extractable (it cannot be wrapped out of the token either), for encrypting and
 * decrypting only, stored on the token, private (only after login).
 */
export function kekTemplate(p11: Pkcs11js, label: string) {
  return [
    { type: p11.CKA_CLASS, value: p11.CKO_SECRET_KEY },
    { type: p11.CKA_KEY_TYPE, value: p11.CKK_AES },
    { type: p11.CKA_VALUE_LEN, value: 32 },
    { type: p11.CKA_LABEL, value: label },
    { type: p11.CKA_ID, value: Buffer.from(label) },
    { type: p11.CKA_TOKEN, value: true },
    { type: p11.CKA_PRIVATE, value: true },
    { type: p11.CKA_SENSITIVE, value: true },
    { type: p11.CKA_EXTRACTABLE, value: false },
    { type: p11.CKA_ENCRYPT, value: true },
    { type: p11.CKA_DECRYPT, value: true },
    { type: p11.CKA_WRAP, value: false },
    { type: p11.CKA_UNWRAP, value: false },
    { type: p11.CKA_SIGN, value: false },
    { type: p11.CKA_VERIFY, value: false },
    { type: p11.CKA_DERIVE, value: false },
  ];
}

/** Why the key cannot serve as a KEK, in a sentence; null when it can. */
export function kekProblem(p11: Pkcs11js, library: Library, session: Handle, key: Handle): string | null {
  const [type, length, sensitive, extractable, encrypt, decrypt] = library
    .C_GetAttributeValue(session, key, [
      { type: p11.CKA_KEY_TYPE },
      { type: p11.CKA_VALUE_LEN },
      { type: p11.CKA_SENSITIVE },
      { type: p11.CKA_EXTRACTABLE },
      { type: p11.CKA_ENCRYPT },
      { type: p11.CKA_DECRYPT },
    ])
    .map((attribute) => attribute.value);
  if (attributeNumber(type) !== p11.CKK_AES || attributeNumber(length) !== 32) return "it is not an AES-256 key";
  if (!attributeBool(sensitive) || attributeBool(extractable))
    return "it could leave the token (it must be CKA_SENSITIVE and not CKA_EXTRACTABLE)";
  if (!attributeBool(encrypt) || !attributeBool(decrypt)) return "it is not allowed to encrypt and decrypt";
  return null;
}

export interface KekInit {
  label: string;
  created: boolean;
  /** Why an existing key cannot serve; null when it can (or was just made). */
  problem: string | null;
}

/**
 * Creates the key `label` in the token unless a secret key of that label is there already (idempotent). The
 * session must be read-write and logged in.
 */
export function ensureKek(
  p11: Pkcs11js,
  library: Library,
  session: Handle,
  config: Pkcs11Config,
  label: string,
): KekInit {
  const found = findSecretKeys(p11, library, session, label);
  if (found.length > 1)
    return {
      label,
      created: false,
      problem: `the token "${config.tokenLabel}" holds ${found.length} keys labelled "${label}"`,
    };
  if (found.length === 1) return { label, created: false, problem: kekProblem(p11, library, session, found[0]!) };
  library.C_GenerateKey(session, { mechanism: p11.CKM_AES_KEY_GEN }, kekTemplate(p11, label));
  return { label, created: true, problem: null };
}
