import "server-only";
import { type CheckedKey, type HealthChange, recordHealth } from "@/lib/db/key-health";
import type { HealthSource, KeyHealth } from "@/lib/domain/key-facts";
import type { KeyStatus } from "@/lib/domain/key-status";

/**
 * A stored key's health follows every contact with its provider: a save (lib/db/user-api-keys.ts writes it with
 * the key), a stored-key test, a models fetch, a re-check, and a chat request. Only the version of the key that
 * was shown to the provider is updated (its envelope is compared), and an event is logged when the health changes.
 */

const HEALTH_OF: Record<Exclude<KeyStatus, "undecryptable">, Exclude<KeyHealth, "unchecked">> = {
  valid: "ok",
  invalid: "rejected",
  limited: "limited",
  unreachable: "unreachable",
};

export function healthOf(status: Exclude<KeyStatus, "undecryptable">): Exclude<KeyHealth, "unchecked"> {
  return HEALTH_OF[status];
}

/**
 * Records what the provider said about a stored key (one statement). `outcome.message` must be our own sentence
 * (lib/providers/key-check.ts writes them), never the provider's words. For chat: call it with `source: "chat"`
 * when the provider rejects, limits or fails a request, so a key rejected at use time shows as rejected at once.
 * Answers the health before and after; null when the key was replaced or deleted meanwhile (nothing recorded).
 */
export function recordKeyHealth(
  key: CheckedKey,
  outcome: { status: Exclude<KeyStatus, "undecryptable">; message: string },
  source: HealthSource,
  options: { tested?: boolean } = {},
): Promise<HealthChange | null> {
  return recordHealth(key, {
    health: healthOf(outcome.status),
    message: outcome.message,
    source,
    tested: options.tested,
  });
}
