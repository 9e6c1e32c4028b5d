import "server-only";
import { env } from "@/lib/env";
import { KekConfigError } from "./kek";

/** The PKCS#11 variables, read once per change (ring.ts). Every mistake is an error naming its variable. */
export interface Pkcs11Config {
  /** PKCS11_MODULE: the path of the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** PKCS11_TOKEN_LABEL: the token's label (softhsm2-util --init-token --label …). */
  tokenLabel: string;
  /** PKCS11_PIN: the token's user PIN. */
  pin: string;
  /** PKCS11_KEY_LABELS: the AES keys inside the token, the first wraps, all unwrap. */
  keyLabels: string[];
}

export const PKCS11_VARIABLES = ["PKCS11_MODULE", "PKCS11_TOKEN_LABEL", "PKCS11_PIN", "PKCS11_KEY_LABELS"] as const;

/** What an envelope and the `keyId` column call a token key: never a keyring id (those cannot hold ":"). */
export const pkcs11KekId = (label: string) => `pkcs11:${label}`;

const KEY_LABEL = /^[A-Za-z0-9_-]{1,64}$/;

/** The token's settings; null when PKCS11_MODULE is unset (no token configured). */
export function readPkcs11Config(): Pkcs11Config | null {
  const modulePath = env("PKCS11_MODULE");
  if (!modulePath) return null;
  const missing = PKCS11_VARIABLES.filter((name) => !env(name));
  if (missing.length > 0) {
    throw new KekConfigError(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set; a PKCS#11 token needs ${PKCS11_VARIABLES.join(", ")} (see .env.example).`,
    );
  }
  const keyLabels = env("PKCS11_KEY_LABELS")!
    .split(",")
    .map((label) => label.trim())
    .filter(Boolean);
  const bad = keyLabels.find((label) => !KEY_LABEL.test(label));
  if (bad !== undefined || keyLabels.length === 0) {
    throw new KekConfigError(
      `PKCS11_KEY_LABELS: "${bad ?? ""}" is not a key label; use 1-64 letters, digits, "_" or "-", comma-separated, the key that wraps first.`,
    );
  }
  if (new Set(keyLabels).size !== keyLabels.length) throw new KekConfigError("PKCS11_KEY_LABELS names a key twice.");
  return { module: modulePath, tokenLabel: env("PKCS11_TOKEN_LABEL")!, pin: env("PKCS11_PIN")!, keyLabels };
}
