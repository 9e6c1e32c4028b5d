import "server-only";
import { env, exportToProcessEnv, isProduction } from "@/lib/env";
import { randomBase64, readOrCreateLocalSecret } from "@/lib/local-secrets";
import { log } from "@/lib/log";

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthConfigError";
  }
}

let generated: string | undefined;

const MIN_SECRET_BYTES = 32;

/**
 * NEXTAUTH_SECRET, or in development a secret generated into .data/ and reused. Handed to the environment (lib/env.ts) so
 * every part of next-auth (route handler, getToken, getServerSession) signs and reads with the same one.
 */
export function getAuthSecret(): string {
  const fromEnv = env("NEXTAUTH_SECRET");
  if (fromEnv) {
    if (isProduction() && Buffer.byteLength(fromEnv) < MIN_SECRET_BYTES) {
      throw new AuthConfigError(
        `NEXTAUTH_SECRET is shorter than ${MIN_SECRET_BYTES} bytes. Production refuses a guessable secret. Generate one with \`openssl rand -base64 32\`.`,
      );
    }
    return fromEnv;
  }
  if (isProduction()) {
    throw new AuthConfigError(
      "NEXTAUTH_SECRET is not set. Production refuses to sign sessions without it. Generate one with `openssl rand -base64 32`.",
    );
  }
  if (!generated) {
    const secret = readOrCreateLocalSecret("nextauth-secret", () => randomBase64(32));
    if (secret.created)
      log.warn({ scope: "auth" }, "No NEXTAUTH_SECRET set: generated a development secret in .data/nextauth-secret.");
    generated = secret.value;
  }
  exportToProcessEnv("NEXTAUTH_SECRET", generated);
  return generated;
}

/**
 * Checked at server start (lib/startup.ts), each on its own so that every problem is reported at once: the
 * secret (getAuthSecret), and NEXTAUTH_URL, which production needs: without it next-auth trusts the forwarded
 * host headers a client sends for its redirects and cookies.
 */
export function checkAuthConfig(): void {
  getAuthSecret();
  checkSiteUrl();
}

export function checkSiteUrl(): void {
  if (!isProduction()) return;
  const url = env("NEXTAUTH_URL");
  if (!url) {
    throw new AuthConfigError(
      "NEXTAUTH_URL is not set. Production refuses to start without the site's public URL, e.g. NEXTAUTH_URL=https://keys.example.com.",
    );
  }
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    throw new AuthConfigError(
      `NEXTAUTH_URL must be the site's public http(s) URL, e.g. https://keys.example.com; got "${url}".`,
    );
  }
}
