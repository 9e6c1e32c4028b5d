import "server-only";
import { randomBase64, readOrCreateLocalSecret } from "@/lib/local-secrets";
import { log } from "@/lib/log";

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthConfigError";
  }
}

let generated: string | undefined;

/**
 * NEXTAUTH_SECRET, or in development a secret generated into .data/ and reused. Exported into process.env so
 * every part of next-auth (route handler, getToken, getServerSession) signs and reads with the same one.
 */
export function getAuthSecret(): string {
  const fromEnv = process.env.NEXTAUTH_SECRET?.trim();
  if (fromEnv) return fromEnv;
  if (process.env.NODE_ENV === "production") {
    throw new AuthConfigError(
      "NEXTAUTH_SECRET is not set. Production refuses to sign sessions without it. Generate one with `openssl rand -base64 32`.",
    );
  }
  if (!generated) {
    const secret = readOrCreateLocalSecret("nextauth-secret", () => randomBase64(32));
    if (secret.created) log.warn({ scope: "auth" }, "No NEXTAUTH_SECRET set: generated a development secret in .data/nextauth-secret.");
    generated = secret.value;
  }
  process.env.NEXTAUTH_SECRET = generated;
  return generated;
}
