import "server-only";
import { KekConfigError } from "./kek";
import { tokenKeks } from "./pkcs11";
import { describePkcs11Error } from "./pkcs11-library";
import type { Pkcs11Config } from "./pkcs11-config";
import { kekProblem } from "./pkcs11-keys";
import { tokenFor } from "./pkcs11-token";
import { kekSettings } from "./ring";

/**
 * The start check (lib/startup.ts): the settings parse, and a configured token can be used: its module loads, the
 * token is there, the PIN opens it, and every key of PKCS11_KEY_LABELS exists, is a non-extractable AES-256 key and
 * wraps and unwraps. Throws a KekConfigError naming the variable to fix; returns a line for the log.
 */
export async function checkKeks(): Promise<string> {
  const settings = kekSettings();
  if (settings.pkcs11) await checkToken(settings.pkcs11);
  const cache = settings.cacheSeconds > 0 ? `unwrapped data keys kept ${settings.cacheSeconds} s` : "no data-key cache";
  return `key-encryption keys: ${settings.wrappingId} wraps (${settings.backend}); ${settings.readableIds.join(", ")} unwrap; ${cache}`;
}

async function checkToken(config: Pkcs11Config): Promise<void> {
  const token = await tokenFor(config);
  const { library, session } = token.connectNow();
  try {
    for (const label of config.keyLabels) {
      const problem = kekProblem(token.p11, library, session, token.keyHandle(label, session));
      if (problem)
        throw new KekConfigError(
          `PKCS11_KEY_LABELS: the key "${label}" cannot serve as a key-encryption key: ${problem}. \`npm run kek:init\` creates a suitable one.`,
        );
    }
    for (const kek of await tokenKeks(config)) {
      await kek.selfTest().catch((cause: unknown) => {
        throw new KekConfigError(
          `PKCS11_KEY_LABELS: the key ${kek.id} does not wrap and unwrap with AES-GCM (${describePkcs11Error((cause as Error).cause ?? cause)}).`,
          { cause },
        );
      });
    }
  } finally {
    // After the self-tests: the pool's sessions are open by now, so closing this one keeps the token logged in
    // (closing the last session logs out, and SoftHSM then forgets the private keys' handles).
    library.C_CloseSession(session);
  }
}
