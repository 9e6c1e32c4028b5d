import "server-only";
import { env, type EnvName } from "@/lib/env";
import { getKeyring, getKeyringIfAny, type Keyring } from "../keyring";
import { dataKeyCache, type DataKeyCache } from "./data-key-cache";
import { type Kek, KekConfigError } from "./kek";
import { localKeks } from "./local";
import { tokenKeks } from "./pkcs11";
import { type Pkcs11Config, pkcs11KekId, readPkcs11Config } from "./pkcs11-config";

/**
 * Which key-encryption keys this server holds, from the environment:
 * - KEK_BACKEND=local (default): the first key of API_KEY_ENCRYPTION_KEYS wraps new data keys;
 * - KEK_BACKEND=pkcs11: the first key of PKCS11_KEY_LABELS, inside the token PKCS11_MODULE / PKCS11_TOKEN_LABEL
 *   / PKCS11_PIN name, wraps them.
 * Every KEK configured unwraps, whichever backend wraps: the keyring when there is one (so keys sealed before the
 * move to a token still open, and `keys:rotate` can move them), the token's keys whenever PKCS11_MODULE is set (so
 * a move back to the keyring works the same way). A cloud KMS would be one more backend here: a KEK_BACKEND value,
 * its variables, and its Kek objects (kek.ts) added to `buildRing`; envelopes, rotation and listings would not change.
 *
 * The settings are read without touching the token (listings call `readableKekIds` per request); the token is
 * connected on first use of a key, and checked at start by `checkKeks`.
 */
export type KekBackend = "local" | "pkcs11";

export interface KekSettings {
  backend: KekBackend;
  keyring: Keyring | null;
  pkcs11: Pkcs11Config | null;
  /** The KEK that wraps new data keys. */
  wrappingId: string;
  /** Every KEK that unwraps, the wrapping one first: a row sealed by another needs re-entry. */
  readableIds: readonly string[];
  /** KEK_CACHE_SECONDS: how long an unwrapped data key is kept (data-key-cache.ts). */
  cacheSeconds: number;
}

const VARIABLES: EnvName[] = [
  "KEK_BACKEND",
  "API_KEY_ENCRYPTION_KEYS",
  "PKCS11_MODULE",
  "PKCS11_TOKEN_LABEL",
  "PKCS11_PIN",
  "PKCS11_KEY_LABELS",
  "KEK_CACHE_SECONDS",
  "NODE_ENV",
];
let settings: { source: string; value: KekSettings; readable: ReadonlySet<string> } | undefined;

/** The KEK settings, re-read only when one of their variables changes; an error names the variable to fix. */
export function kekSettings(): KekSettings {
  const source = JSON.stringify(VARIABLES.map((name) => env(name) ?? null));
  if (settings?.source !== source) {
    const value = readSettings();
    settings = { source, value, readable: new Set(value.readableIds) };
  }
  return settings.value;
}

function readSettings(): KekSettings {
  const backend = (env("KEK_BACKEND") || "local") as KekBackend;
  if (backend !== "local" && backend !== "pkcs11") {
    throw new KekConfigError(
      `KEK_BACKEND must be "local" (the API_KEY_ENCRYPTION_KEYS keyring) or "pkcs11" (a key inside a PKCS#11 token), not "${backend}".`,
    );
  }
  const pkcs11 = readPkcs11Config();
  if (backend === "pkcs11" && !pkcs11) {
    throw new KekConfigError(
      "KEK_BACKEND=pkcs11 needs PKCS11_MODULE, PKCS11_TOKEN_LABEL, PKCS11_PIN and PKCS11_KEY_LABELS (see .env.example).",
    );
  }
  const keyring = backend === "local" ? getKeyring() : getKeyringIfAny();
  const keyringIds = keyring
    ? [keyring.activeId, ...[...keyring.keys.keys()].filter((id) => id !== keyring.activeId)]
    : [];
  const tokenIds = pkcs11?.keyLabels.map(pkcs11KekId) ?? [];
  const readableIds = backend === "local" ? [...keyringIds, ...tokenIds] : [...tokenIds, ...keyringIds];
  return { backend, keyring, pkcs11, wrappingId: readableIds[0]!, readableIds, cacheSeconds: cacheSeconds() };
}

function cacheSeconds(): number {
  const text = env("KEK_CACHE_SECONDS");
  if (!text) return 60;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new KekConfigError(
      `KEK_CACHE_SECONDS must be a whole number of seconds from 0 (no cache) to 3600, not "${text}".`,
    );
  }
  return seconds;
}

/** The ids of every KEK this server holds (no token call): what listings call readable. */
export function readableKekIds(): readonly string[] {
  return kekSettings().readableIds;
}

/** Whether this server holds the KEK of that id (no token call). */
export function holdsKek(kekId: string): boolean {
  kekSettings();
  return settings!.readable.has(kekId);
}

export interface KekRing {
  settings: KekSettings;
  wrapping: Kek;
  get(kekId: string): Kek | undefined;
  cache: DataKeyCache;
}

let ring: { settings: KekSettings; value: Promise<KekRing> } | undefined;

/** The KEK objects of the current settings, with their data-key cache; made again when the settings change. */
export function kekRing(): Promise<KekRing> {
  const current = kekSettings();
  if (ring?.settings !== current) {
    const value = buildRing(current);
    // A ring that could not be made (pkcs11js missing) is tried again next time, not remembered.
    value.catch(() => ring?.value === value && (ring = undefined));
    ring = { settings: current, value };
  }
  return ring.value;
}

async function buildRing(current: KekSettings): Promise<KekRing> {
  const keks: Kek[] = [
    ...(current.keyring ? localKeks(current.keyring) : []),
    ...(current.pkcs11 ? await tokenKeks(current.pkcs11) : []),
  ];
  const byId = new Map(keks.map((kek) => [kek.id, kek]));
  return {
    settings: current,
    wrapping: byId.get(current.wrappingId)!,
    get: (id) => byId.get(id),
    cache: dataKeyCache(current.cacheSeconds),
  };
}
