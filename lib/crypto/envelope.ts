import "server-only";
import { randomBytes } from "node:crypto";
import { KeyDecryptionError } from "@/lib/errors";
import { gcmDecrypt, gcmEncrypt, type GcmSealed, IV_BYTES, TAG_BYTES } from "./aes-gcm";
import type { Kek } from "./kek/kek";
import { kekRing, type KekRing } from "./kek/ring";
import { decryptions, envelopeKeyId as v1KeyId, open as openV1, type SealContext } from "./secret-box";

/**
 * Envelope encryption of stored API keys (Google Tink's KmsEnvelopeAead): the one module that seals and opens.
 *
 *   v2.<kekId>.<wrapped data key>.<iv>.<ciphertext>.<tag>   (base64url parts after the KEK id)
 *
 * Each key gets a fresh 256-bit data key; the key is AES-256-GCM under it, with associated data binding the row's
 * user and provider (moved to another row, it no longer opens). The data key is wrapped by a key-encryption key
 * (KEK: lib/crypto/kek/) with associated data binding the KEK's id and the same owner, and stored beside the
 * ciphertext; the KEK's id is in the envelope and in the row's `keyId`, so a listing knows without decrypting
 * whether this server can open it. Rotation re-wraps the data key and leaves the ciphertext as it is.
 * Envelopes of the first version (v1, lib/crypto/secret-box.ts: sealed directly by a keyring key) still open.
 */
const VERSION = "v2";
const DATA_KEY_BYTES = 32;

export type { SealContext };

export interface Sealed {
  envelope: string;
  /** The KEK that wrapped its data key (v1: the keyring key that sealed it). */
  keyId: string;
}

interface Parsed {
  kekId: string;
  wrapped: Buffer;
  payload: GcmSealed;
}

const payloadAad = ({ userId, providerId }: SealContext) => Buffer.from(`${VERSION}|${userId}|${providerId}`, "utf8");
const wrapAad = (kekId: string, { userId, providerId }: SealContext) =>
  Buffer.from(`${VERSION}-data-key|${kekId}|${userId}|${providerId}`, "utf8");

function format(kekId: string, wrapped: Buffer, { iv, ciphertext, tag }: GcmSealed): string {
  return [VERSION, kekId, ...[wrapped, iv, ciphertext, tag].map((part) => part.toString("base64url"))].join(".");
}

function parse(envelope: string): Parsed | undefined {
  const parts = envelope.split(".");
  if (parts.length !== 6 || parts[0] !== VERSION || !parts[1]) return undefined;
  const [wrapped, iv, ciphertext, tag] = parts.slice(2).map((part) => Buffer.from(part, "base64url")) as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || wrapped.length === 0) return undefined;
  return { kekId: parts[1], wrapped, payload: { iv, ciphertext, tag } };
}

/** The KEK id an envelope names (v1: its keyring key id), without decrypting; undefined when it is not ours. */
export function envelopeKekId(envelope: string): string | undefined {
  return envelope.startsWith(`${VERSION}.`) ? parse(envelope)?.kekId : v1KeyId(envelope);
}

/**
 * Seals a key under a fresh data key wrapped by the wrapping KEK. `allowEmpty` is for a custom endpoint saved
 * without a key (lib/keys/vault.ts): its row is sealed like any other. KeyServiceUnavailableError when the KEK's
 * service does not answer (nothing is stored then).
 */
export async function seal(
  plaintext: string,
  context: SealContext,
  options: { allowEmpty?: boolean } = {},
): Promise<Sealed> {
  if (plaintext.length === 0 && !options.allowEmpty) throw new TypeError("Refusing to encrypt an empty API key.");
  const ring = await kekRing();
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const payload = gcmEncrypt(dataKey, Buffer.from(plaintext, "utf8"), payloadAad(context));
    return { envelope: await wrapped(ring, ring.wrapping, dataKey, payload, context), keyId: ring.wrapping.id };
  } finally {
    dataKey.fill(0);
  }
}

/** The envelope's data key wrapped by `kek` (and remembered: the first use after a save needs no unwrap). */
async function wrapped(
  ring: KekRing,
  kek: Kek,
  dataKey: Buffer,
  payload: GcmSealed,
  context: SealContext,
): Promise<string> {
  const aad = wrapAad(kek.id, context);
  const wrappedKey = await kek.wrap(dataKey, aad);
  ring.cache.set(cacheId(aad, wrappedKey), dataKey);
  return format(kek.id, wrappedKey, payload);
}

const cacheId = (aad: Buffer, wrappedKey: Buffer) => `${aad.toString("utf8")}|${wrappedKey.toString("base64url")}`;

/**
 * Opens a stored envelope of this owner. KeyDecryptionError when this server cannot (a KEK it does not hold,
 * tampering, another row's envelope); KeyServiceUnavailableError when the KEK's service does not answer.
 */
export async function open(envelope: string, context: SealContext): Promise<string> {
  const ring = await kekRing();
  if (!envelope.startsWith(`${VERSION}.`)) return openFirstVersion(ring, envelope, context);
  if (decryptions.hasSubscribers) decryptions.publish({ keyId: envelopeKekId(envelope) });
  const parsed = parse(envelope);
  if (!parsed) throw new KeyDecryptionError("malformed");
  const dataKey = await unwrapped(ring, parsed, context);
  try {
    return decryptPayload(dataKey, parsed.payload, context).toString("utf8");
  } finally {
    dataKey.fill(0);
  }
}

function openFirstVersion(ring: KekRing, envelope: string, context: SealContext): string {
  const keyring = ring.settings.keyring;
  if (!keyring) {
    if (decryptions.hasSubscribers) decryptions.publish({ keyId: v1KeyId(envelope) });
    throw new KeyDecryptionError(v1KeyId(envelope) ? "unknown_key_id" : "malformed");
  }
  return openV1(keyring, envelope, context);
}

/** The envelope's data key, from the cache or its KEK: the caller's own copy, to wipe after use. */
async function unwrapped(ring: KekRing, { kekId, wrapped: wrappedKey }: Parsed, context: SealContext): Promise<Buffer> {
  const kek = ring.get(kekId);
  if (!kek) throw new KeyDecryptionError("unknown_key_id");
  const aad = wrapAad(kekId, context);
  const id = cacheId(aad, wrappedKey);
  const cached = ring.cache.get(id);
  if (cached) return Buffer.from(cached);
  const dataKey = await kek.unwrap(wrappedKey, aad);
  if (dataKey.length !== DATA_KEY_BYTES) throw new KeyDecryptionError("malformed");
  ring.cache.set(id, dataKey);
  return dataKey;
}

function decryptPayload(dataKey: Buffer, payload: GcmSealed, context: SealContext): Buffer {
  try {
    return gcmDecrypt(dataKey, payload, payloadAad(context));
  } catch (cause) {
    throw new KeyDecryptionError("authentication_failed", { cause });
  }
}

/**
 * The envelope moved under the wrapping KEK, for `npm run keys:rotate`: a v2 envelope's data key is unwrapped and
 * wrapped again, its ciphertext kept byte for byte (checked to open first, so nothing unreadable is moved); a v1
 * envelope is opened with the keyring and sealed as v2 (it had no data key to re-wrap). The same errors as `open`.
 */
export async function rewrap(envelope: string, context: SealContext): Promise<Sealed> {
  const ring = await kekRing();
  if (!envelope.startsWith(`${VERSION}.`)) {
    const plaintext = openFirstVersion(ring, envelope, context);
    return seal(plaintext, context, { allowEmpty: true });
  }
  if (decryptions.hasSubscribers) decryptions.publish({ keyId: envelopeKekId(envelope) });
  const parsed = parse(envelope);
  if (!parsed) throw new KeyDecryptionError("malformed");
  const dataKey = await unwrapped(ring, parsed, context);
  try {
    decryptPayload(dataKey, parsed.payload, context).fill(0);
    return { envelope: await wrapped(ring, ring.wrapping, dataKey, parsed.payload, context), keyId: ring.wrapping.id };
  } finally {
    dataKey.fill(0);
  }
}
