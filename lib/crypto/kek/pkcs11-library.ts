import "server-only";
import { KekConfigError } from "./kek";

/**
 * pkcs11js, loaded when a token is configured and not before: an optional dependency (a native addon built at
 * install time), so `npm install` on a machine without a compiler still gives a working app on the local
 * backend. One initialised library per module path and process (PKCS#11 allows one C_Initialize per process).
 */
export type Pkcs11js = typeof import("pkcs11js");
export type Library = InstanceType<Pkcs11js["PKCS11"]>;
export type Handle = Buffer;

let loaded: Pkcs11js | undefined;

export async function pkcs11js(): Promise<Pkcs11js> {
  if (!loaded) {
    try {
      const imported = (await import("pkcs11js")) as Pkcs11js & { default?: Pkcs11js };
      loaded = imported.default ?? imported;
    } catch (cause) {
      throw new KekConfigError(
        "PKCS11_MODULE is set, but the optional package pkcs11js is not installed (it is built at install time with python3, make and g++): install those and run `npm install`.",
        { cause },
      );
    }
  }
  return loaded;
}

const libraries = new Map<string, Library>();

/** The module at `path`, loaded and initialised for use from several threads (pkcs11js runs …Async calls on libuv's pool). */
export function openLibrary(p11: Pkcs11js, path: string): Library {
  const known = libraries.get(path);
  if (known) return known;
  const library = new p11.PKCS11();
  try {
    library.load(path);
  } catch (cause) {
    throw new KekConfigError(
      `PKCS11_MODULE: cannot load "${path}" (${describePkcs11Error(cause)}). It must be the path of the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.`,
      { cause },
    );
  }
  try {
    library.C_Initialize({ flags: p11.CKF_OS_LOCKING_OK });
  } catch (cause) {
    if (codeOf(cause) !== p11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new KekConfigError(
        `PKCS11_MODULE: "${path}" loaded but did not initialise (${describePkcs11Error(cause)}).`,
        { cause },
      );
    }
  }
  libraries.set(path, library);
  return library;
}

/** A PKCS#11 return value (CKR_…) of a failed call; undefined for anything else. */
export function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === "number" && code > 0 ? code : undefined;
}

/** "CKR_DEVICE_REMOVED in C_DecryptInit": safe to log (pkcs11js errors hold no data, and never the PIN). */
export function describePkcs11Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const method = (error as { method?: unknown }).method;
  return typeof method === "string" && method ? `${error.message} in ${method}` : error.message;
}

const PADDING = /\s+$/;
/** A token's label as PKCS#11 gives it: blank-padded to 32 bytes. */
export const trimLabel = (label: string) => label.replace(PADDING, "");

/** CK_BBOOL and CK_ULONG attribute values, as pkcs11js hands them over (raw bytes, little-endian here). */
export function attributeBool(value: unknown): boolean {
  return Buffer.isBuffer(value) ? value[0] === 1 : value === true;
}

export function attributeNumber(value: unknown): number {
  if (!Buffer.isBuffer(value)) return Number(value);
  return value.length >= 8 ? Number(value.readBigUInt64LE()) : value.readUInt32LE();
}
