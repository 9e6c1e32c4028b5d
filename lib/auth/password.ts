import "server-only";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (19 MiB, t=2, p=1: OWASP's recommended minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the email is unknown, so an unknown email costs as much time as a wrong password.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$1F0AVEuio6oFMi9X1Rr9iQ$DYlQ87ILlNjXwxRN0RNH+Odgj2oSyuLcu/h035/G28A";

/** Constant-time comparison inside argon2's verify; a malformed stored hash is a mismatch, not a crash. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? DUMMY_HASH, password);
    return storedHash !== null && ok;
  } catch {
    return false;
  }
}
