import "server-only";
import { KekConfigError } from "./kek";
import type { Pkcs11Config } from "./pkcs11-config";
import { codeOf, describePkcs11Error, type Handle, type Library, type Pkcs11js, trimLabel } from "./pkcs11-library";

/** The PKCS#11 calls the token layer (pkcs11-token.ts) makes outside an operation, with their failures explained. */

/** An operation running longer than this is given up on (a network HSM that stopped answering). */
export const OPERATION_TIMEOUT_MS = 5_000;

/** An operation the token did not finish in time: the token is taken as gone, no self-test is tried. */
export class TokenTimeout extends Error {
  constructor() {
    super(`the token did not answer within ${OPERATION_TIMEOUT_MS} ms`);
    this.name = "TokenTimeout";
  }
}

/** The work's answer, or a TokenTimeout once OPERATION_TIMEOUT_MS has passed (`onTimeout` runs first). */
export async function deadline<T>(work: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TokenTimeout());
    }, OPERATION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function findSlot(p11: Pkcs11js, library: Library, config: Pkcs11Config): Handle {
  let labels: string[] = [];
  try {
    for (const slot of library.C_GetSlotList(true)) {
      const label = trimLabel(library.C_GetTokenInfo(slot).label);
      if (label === config.tokenLabel) return slot;
      labels.push(label);
    }
  } catch (cause) {
    throw new KekConfigError(
      `PKCS11_TOKEN_LABEL: the module's tokens cannot be listed (${describePkcs11Error(cause)}).`,
      { cause },
    );
  }
  labels = labels.filter(Boolean);
  const seen = labels.length > 0 ? `it has ${labels.map((l) => `"${l}"`).join(", ")}` : "it has no initialised token";
  throw new KekConfigError(
    `PKCS11_TOKEN_LABEL: no token labelled "${config.tokenLabel}" in ${config.module} (${seen}).`,
  );
}

export function loginError(p11: Pkcs11js, config: Pkcs11Config, cause: unknown): Error {
  const code = codeOf(cause);
  const pinCodes = [
    p11.CKR_PIN_INCORRECT,
    p11.CKR_PIN_INVALID,
    p11.CKR_PIN_LEN_RANGE,
    p11.CKR_PIN_LOCKED,
    p11.CKR_PIN_EXPIRED,
  ];
  if (code !== undefined && pinCodes.includes(code)) {
    return new KekConfigError(
      `PKCS11_PIN: the token "${config.tokenLabel}" refused the PIN (${describePkcs11Error(cause)}).`,
      { cause },
    );
  }
  return new KekConfigError(
    `PKCS11_PIN: logging in to the token "${config.tokenLabel}" failed (${describePkcs11Error(cause)}).`,
    { cause },
  );
}

/** Every secret key object labelled `label` that this session can see. */
export function findSecretKeys(p11: Pkcs11js, library: Library, session: Handle, label: string): Handle[] {
  library.C_FindObjectsInit(session, [
    { type: p11.CKA_CLASS, value: p11.CKO_SECRET_KEY },
    { type: p11.CKA_LABEL, value: label },
  ]);
  try {
    return library.C_FindObjects(session, 2);
  } finally {
    library.C_FindObjectsFinal(session);
  }
}

export function closeQuietly(library: Library | undefined, session: Handle): void {
  try {
    library?.C_CloseSession(session);
  } catch {
    // The token is gone or the session already closed: nothing to release.
  }
}
