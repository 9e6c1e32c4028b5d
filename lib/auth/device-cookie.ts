import "server-only";
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { DEVICE_LIFETIME_SECONDS } from "@/lib/rate-limits";
import { getAuthSecret } from "./secret";

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that signed in to an
 * account gets `<nonce>.<signature>`, the signature an HMAC of the account's email and the nonce under a key
 * derived from NEXTAUTH_SECRET. It names the account without holding its email: it is valid only for the email
 * it was made for. Sent only to the auth routes (Path=/api/auth), never readable by scripts.
 */
export const DEVICE_COOKIE_MAX_AGE = DEVICE_LIFETIME_SECONDS;

export const deviceCookieName = (secure: boolean) => (secure ? "__Secure-byok-device" : "byok-device");

let derived: { secret: string; key: Buffer } | undefined;

function signingKey(): Buffer {
  const secret = getAuthSecret();
  if (derived?.secret !== secret) {
    derived = { secret, key: Buffer.from(hkdfSync("sha256", secret, "", "byok device cookie v1", 32)) };
  }
  return derived.key;
}

const sign = (email: string, nonce: string) => createHmac("sha256", signingKey()).update(`${email}\n${nonce}`).digest();

/** A new device cookie for the account, as a Set-Cookie header value. */
export function deviceCookieHeader(email: string, secure: boolean): string {
  const nonce = randomBytes(16).toString("base64url");
  const value = `${nonce}.${sign(email, nonce).toString("base64url")}`;
  const attributes = [
    `Path=/api/auth`,
    `Max-Age=${DEVICE_COOKIE_MAX_AGE}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ];
  return [`${deviceCookieName(secure)}=${value}`, ...attributes].join("; ");
}

/** The cookie's nonce when the cookie is a valid device cookie for this email; null otherwise. */
export function deviceNonce(cookie: string | undefined, email: string): string | null {
  const [nonce, signature, extra] = cookie?.split(".") ?? [];
  if (!nonce || !signature || extra !== undefined || !/^[\w-]{22}$/.test(nonce)) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = sign(email, nonce);
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}
