import "server-only";
import { env, isProduction } from "@/lib/env";
import { LOCAL_DATA_DIR, randomBase64, readLocalSecret, readOrCreateLocalSecret } from "@/lib/local-secrets";
import { log } from "@/lib/log";

export const KEYRING_ENV = "API_KEY_ENCRYPTION_KEYS";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOW_TO_MAKE = "Generate one with `openssl rand -base64 32`";

export interface Keyring {
  /** The key that encrypts; always the first entry of the variable. */
  readonly activeId: string;
  /** Every key that may decrypt, active one included. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyringConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyringConfigError";
  }
}

/** Parses `id:base64[,id:base64…]`. Every mistake is an error naming the variable: a key is never truncated. */
export function parseKeyring(value: string, source = KEYRING_ENV): Keyring {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new KeyringConfigError(`${source} is empty. Expected "id:base64key". ${HOW_TO_MAKE}.`);
  }
  const keys = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const where = `${source} entry ${index + 1}`;
    const colon = entry.indexOf(":");
    if (colon < 0) {
      throw new KeyringConfigError(`${where} has no key id. Expected "id:base64key", e.g. "k1:<key>". ${HOW_TO_MAKE}.`);
    }
    const id = entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new KeyringConfigError(`${where}: key id "${id}" must be 1-32 letters, digits, "_" or "-".`);
    }
    if (keys.has(id)) {
      throw new KeyringConfigError(`${source} names key id "${id}" twice; every key needs its own id.`);
    }
    if (!BASE64.test(material)) {
      throw new KeyringConfigError(`${where} (id "${id}") is not valid base64. ${HOW_TO_MAKE}.`);
    }
    const bytes = Buffer.from(material, "base64");
    if (bytes.length !== 32) {
      throw new KeyringConfigError(
        `${where} (id "${id}") decodes to ${bytes.length} bytes; AES-256 needs exactly 32. ${HOW_TO_MAKE}.`,
      );
    }
    keys.set(id, bytes);
  }
  const [activeId] = keys.keys();
  return { activeId: activeId!, keys };
}

export const DEV_KEYRING_FILE = "encryption-keys";
/** The id of the key development generates: keys saved with it need that file wherever they are read. */
export const DEV_KEY_ID = "dev1";
let cached: { source: string; keyring: Keyring } | undefined;

/**
 * The keyring from the environment. Without one, development generates a key into `.data/` (reused on every
 * start) and production refuses with a clear error. Re-parsed only when the variable changes.
 */
export function getKeyring(): Keyring {
  const fromEnv = env(KEYRING_ENV);
  if (fromEnv) {
    if (cached?.source !== fromEnv) cached = { source: fromEnv, keyring: parseKeyring(fromEnv) };
    return cached.keyring;
  }
  if (isProduction()) {
    throw new KeyringConfigError(
      `${KEYRING_ENV} is not set. Production refuses to store API keys without it. ` +
        `Set it to "k1:<base64 of 32 random bytes>"; ${HOW_TO_MAKE}.`,
    );
  }
  if (cached?.source !== DEV_KEYRING_FILE) {
    const secret = readOrCreateLocalSecret(DEV_KEYRING_FILE, () => `${DEV_KEY_ID}:${randomBase64(32)}`);
    if (secret.created) {
      log.warn(
        { scope: "keys" },
        `No ${KEYRING_ENV} set: generated a development encryption key in ${LOCAL_DATA_DIR}/${DEV_KEYRING_FILE}. ` +
          "Keep that file; keys saved with it cannot be read without it.",
      );
    }
    cached = { source: DEV_KEYRING_FILE, keyring: parseKeyring(secret.value, secret.path) };
  }
  return cached.keyring;
}

/**
 * The keyring when there is one, never generating it: the variable's, or in development the `.data/` key a
 * previous start generated. With a key-encryption key in an HSM (lib/crypto/kek/ring.ts) the keyring only opens
 * what was sealed before the move, so none is made up.
 */
export function getKeyringIfAny(): Keyring | null {
  if (env(KEYRING_ENV) || cached?.source === DEV_KEYRING_FILE) return getKeyring();
  if (isProduction()) return null;
  const secret = readLocalSecret(DEV_KEYRING_FILE);
  return secret ? parseKeyring(secret.value, secret.path) : null;
}
