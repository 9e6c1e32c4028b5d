import type { KeyStatus } from "@/lib/domain/key-status";

/**
 * Trying a provider's keys in the user's order: the next key is tried when one is rejected, limited or
 * unreachable, but never once output has begun (the user would see two answers spliced together, and be billed
 * twice). Pure control flow: callers supply the attempt, and record health and usage for each key tried (the
 * `onOutcome` hook), so the models list and the chat route share one rule.
 */

/** Why a key did not serve: what lets the next one try. */
export type KeyFailure = Extract<KeyStatus, "invalid" | "limited" | "unreachable">;

export type AttemptResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      status: KeyFailure;
      /** Our own sentence, never the provider's words. */
      message: string;
      /** Output already reached the client (a stream cut short): no other key may be tried. */
      outputStarted?: boolean;
      /** Any key would fail alike (a bad model name, the client gone): no other key is tried. */
      final?: boolean;
    };

export type AttemptFailure = Extract<AttemptResult<unknown>, { ok: false }>;

/** One key tried, and what came of it. */
export interface KeyTried<K> {
  key: K;
  status: "valid" | KeyFailure;
  message?: string;
}

export type FallbackResult<K, T> =
  | { ok: true; value: T; served: K; tried: KeyTried<K>[] }
  /** Every key failed (or output began before the failure): the last failure, and all that was tried. */
  | { ok: false; failure: AttemptFailure; tried: KeyTried<K>[] };

export interface FallbackHooks<K, T> {
  /** Called after each attempt, before the next: record the key's health, count its use. */
  onOutcome?: (key: K, result: AttemptResult<T>) => Promise<void> | void;
}

/**
 * Runs `attempt` with each key in turn until one serves. An attempt that throws stops everything (that is a bug or
 * an outage of our own, not the key's); one that fails after output began is final. `keys` must not be empty.
 */
export async function withKeyFallback<K, T>(
  keys: readonly K[],
  attempt: (key: K, index: number) => Promise<AttemptResult<T>>,
  hooks: FallbackHooks<K, T> = {},
): Promise<FallbackResult<K, T>> {
  if (keys.length === 0) throw new TypeError("withKeyFallback needs at least one key.");
  const tried: KeyTried<K>[] = [];
  let failure: AttemptFailure | undefined;
  for (const [index, key] of keys.entries()) {
    const result = await attempt(key, index);
    await hooks.onOutcome?.(key, result);
    if (result.ok) {
      tried.push({ key, status: "valid" });
      return { ok: true, value: result.value, served: key, tried };
    }
    tried.push({ key, status: result.status, message: result.message });
    failure = result;
    if (result.outputStarted || result.final) break;
  }
  return { ok: false, failure: failure!, tried };
}
