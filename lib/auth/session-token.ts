import "server-only";
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT } from "next-auth/jwt";

/**
 * next-auth v4's session-token decoding with the derived key computed once instead of on every request (an HKDF
 * per request showed in the list route's CPU profile). Same key derivation (HKDF-SHA256, empty salt, next-auth's
 * info string), same JWE check (jose's jwtDecrypt: dir + A256GCM, exp/nbf with 15 s tolerance); the token format
 * is next-auth's own, so tokens from its sign-in decode here and vice versa.
 */
let derived: { secret: string; key: Uint8Array } | undefined;

function encryptionKey(secret: string): Uint8Array {
  if (derived?.secret !== secret) {
    const key = hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
    derived = { secret, key: new Uint8Array(key) };
  }
  return derived.key;
}

export async function decodeSessionToken({ token, secret }: { token?: string; secret: string | Buffer }): Promise<JWT | null> {
  if (!token) return null;
  const { payload } = await jwtDecrypt(token, encryptionKey(String(secret)), { clockTolerance: 15 });
  return payload as JWT;
}
