import "server-only";
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT } from "next-auth/jwt";

/**
 * next-auth v4's session-token decoding, with the derived key computed once instead of on every request (an HKDF
 * per request showed in the list route's CPU profile) and each token's claims remembered until the token expires
 * (its decryption showed next). Same key derivation (HKDF-SHA256, empty salt, next-auth's info string), same JWE
 * check (jose's jwtDecrypt: dir + A256GCM, exp/nbf with 15 s tolerance); the token format is next-auth's own, so
 * tokens from its sign-in decode here and vice versa.
 *
 * A token is an authenticated ciphertext: the same string always decrypts to the same claims under the same
 * secret, so remembering them is safe while the token is valid. The memory is per secret and bounded.
 */
const CLOCK_TOLERANCE_S = 15;
const REMEMBERED_TOKENS = 5_000;

let state: { secret: string; key: Uint8Array; claims: Map<string, { payload: JWT; validUntil: number }> } | undefined;

function forSecret(secret: string) {
  if (state?.secret !== secret) {
    const key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    state = { secret, key, claims: new Map() };
  }
  return state;
}

export async function decodeSessionToken({
  token,
  secret,
}: {
  token?: string;
  secret: string | Buffer;
}): Promise<JWT | null> {
  if (!token) return null;
  const { key, claims } = forSecret(String(secret));
  const remembered = claims.get(token);
  if (remembered && Date.now() / 1000 < remembered.validUntil) return { ...remembered.payload };
  claims.delete(token);

  const { payload } = await jwtDecrypt(token, key, { clockTolerance: CLOCK_TOLERANCE_S });
  // Only tokens whose validity is a plain expiry (next-auth's): jose is asked again once it has passed.
  if (typeof payload.exp === "number" && payload.nbf === undefined) {
    if (claims.size >= REMEMBERED_TOKENS) claims.delete(claims.keys().next().value!);
    claims.set(token, { payload: payload as JWT, validUntil: payload.exp + CLOCK_TOLERANCE_S });
  }
  return { ...(payload as JWT) };
}
