import "server-only";
import { KekConfigError } from "./kek";
import { readPkcs11Config } from "./pkcs11-config";
import { ensureKek, type KekInit } from "./pkcs11-keys";
import { findSecretKeys } from "./pkcs11-calls";
import { tokenFor } from "./pkcs11-token";

export interface KekInitReport {
  module: string;
  tokenLabel: string;
  /** What the token says it is (manufacturer, model, serial). */
  token: string;
  /** The first label of PKCS11_KEY_LABELS: created, or found. */
  first: KekInit;
  /** The other labels (they only unwrap): whether the token holds them. */
  others: { label: string; present: boolean }[];
}

/**
 * `npm run kek:init`: makes sure the token holds the key of the first label of PKCS11_KEY_LABELS, creating it
 * (non-extractable, sensitive AES-256: pkcs11-keys.ts) when it is not there, and reports on the other labels.
 * Idempotent: a second run finds the key and creates nothing.
 */
export async function initKek(): Promise<KekInitReport> {
  const config = readPkcs11Config();
  if (!config)
    throw new KekConfigError(
      "PKCS11_MODULE is not set: kek:init creates the key of PKCS11_KEY_LABELS inside the token PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN name.",
    );
  const token = await tokenFor(config);
  const { library, session } = token.connectNow(true);
  try {
    const [firstLabel, ...otherLabels] = config.keyLabels as [string, ...string[]];
    const first = ensureKek(token.p11, library, session, config, firstLabel);
    const others = otherLabels.map((label) => ({
      label,
      present: findSecretKeys(token.p11, library, session, label).length === 1,
    }));
    return { module: config.module, tokenLabel: config.tokenLabel, token: token.describe(), first, others };
  } finally {
    library.C_CloseSession(session);
  }
}
