import "server-only";
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { getAuthSecret } from "@/lib/auth/secret";

/**
 * The gateway's personal access tokens (`kr_` + 43 base64url characters: 32 random bytes). Only a keyed hash of a
 * token is stored: HMAC-SHA-256 under a key derived (HKDF) from NEXTAUTH_SECRET. A fast hash is right here: a
 * token has 256 bits of entropy, so nothing can be guessed from its hash, and every gateway request checks one; a
 * password hash (argon2) would cost milliseconds a request for nothing. The key makes a database dump alone
 * useless even for checking candidate tokens. Lookup is by the hash (a unique index), an exact match in the
 * database: no comparison in this process for a timing attack to measure. Changing NEXTAUTH_SECRET ends every
 * token, as it ends every session.
 */

export const TOKEN_PREFIX = "kr_";
const TOKEN_SHAPE = /^kr_[A-Za-z0-9_-]{43}$/;
/** How much of a token is shown to tell tokens apart: `kr_` and 9 more characters (54 bits: never enough to use). */
const SHOWN = 12;

let derived: { secret: string; key: Buffer } | undefined;

function hashKey(): Buffer {
  const secret = getAuthSecret();
  if (derived?.secret !== secret) {
    derived = { secret, key: Buffer.from(hkdfSync("sha256", secret, "", "byok access tokens v1", 32)) };
  }
  return derived.key;
}

export interface NewToken {
  token: string;
  prefix: string;
  hash: string;
}

export function newToken(): NewToken {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, SHOWN), hash: tokenHash(token) };
}

/** Whether a string has a token's shape (anything else is refused before the database is asked). */
export const isTokenShaped = (value: string) => TOKEN_SHAPE.test(value);

export function tokenHash(token: string): string {
  return createHmac("sha256", hashKey()).update(token).digest("hex");
}
