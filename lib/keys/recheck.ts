import "server-only";
import {
  claimKeysForRecheck,
  type ClaimedKey,
  countKeysDueForRecheck,
  postponeRecheck,
  releaseRecheck,
} from "@/lib/db/key-health";
import type { KeyHealth } from "@/lib/domain/key-facts";
import { listAllProviders, type ProviderRecord } from "@/lib/db/providers";
import { KeyDecryptionError } from "@/lib/errors";
import { checkProviderKey } from "@/lib/providers/endpoint-check";
import { recordKeyHealth } from "./health";
import { ProviderPacer } from "./pacer";
import { openEnvelope } from "./vault";

/**
 * One re-check pass: every enabled key last checked before a moment is asked about again, its health recorded
 * (with an event when it changed). Shared by `npm run keys:check` and the background re-checker
 * (recheck-schedule.ts). Keys are claimed in small batches under a lease (lib/db/key-health.ts), so several
 * passes, in one process or many, share the keys and never check one twice; concurrency is bounded and each
 * provider is paced (pacer.ts).
 */

export interface RecheckOptions {
  /** Keys last checked before this moment (database clock), or never, are due. */
  checkedBefore: Date;
  /** Checks in flight at once (default 4). */
  concurrency?: number;
  /** Least time between two requests to one provider, in ms (default 250). */
  providerSpacingMs?: number;
  /** Keys claimed per statement (default 20). */
  batchSize?: number;
  /** How long a claim holds a key before another re-checker may take it, in s (default 300). */
  leaseSeconds?: number;
  /** How long a key the keyring cannot open is left alone, in s (default one day). */
  postponeSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RecheckProgress) => void;
}

export type CheckedHealth = Exclude<KeyHealth, "unchecked">;

export interface RecheckProgress {
  /** Keys due when the pass started (other re-checkers may take some of them). */
  due: number;
  checked: number;
  changed: number;
}

export interface RecheckSummary extends RecheckProgress {
  byHealth: Record<CheckedHealth, number>;
  /** Keys the keyring cannot open: left alone, their users must enter them again. */
  undecryptable: number;
  /** Keys replaced, disabled or deleted between claim and record: nothing recorded. */
  goneMeanwhile: number;
  /** Health changes, counted per provider name and change, e.g. { "OpenAI: ok → rejected": 2 }. */
  changes: Record<string, number>;
  /** The pass stopped early (shutdown). */
  aborted: boolean;
}

/** What one pass shares between its workers. */
interface Pass {
  options: RecheckOptions;
  signal: AbortSignal;
  pacer: ProviderPacer;
  summary: RecheckSummary;
}

/** Runs one pass; a database failure stops it (the remaining claims are handed back) and is thrown. */
export async function recheckKeys(options: RecheckOptions): Promise<RecheckSummary> {
  // Stops every worker at once: the caller's signal (shutdown), or the first failure.
  const halt = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, halt.signal]) : halt.signal;
  const providers = new Map((await listAllProviders()).map((p) => [p.id, p]));
  const pass: Pass = {
    options,
    signal,
    pacer: new ProviderPacer(options.providerSpacingMs ?? 250),
    summary: emptySummary(await countKeysDueForRecheck(options.checkedBefore)),
  };
  const claims = claimer(options, signal);
  let failure: unknown;
  async function worker(): Promise<void> {
    try {
      for (let key = await claims.next(); key; key = await claims.next())
        await recheck(pass, key, providers.get(key.providerId));
    } catch (error) {
      if (!signal.aborted) failure ??= error;
      halt.abort();
    }
  }

  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  // Keys claimed but never checked (a stop, or a failure) go back at once rather than when their lease ends.
  await releaseRecheck(claims.unclaimed()).catch(() => {});
  if (failure) throw failure;
  pass.summary.aborted = options.signal?.aborted ?? false;
  return pass.summary;
}

function emptySummary(due: number): RecheckSummary {
  return {
    due,
    checked: 0,
    changed: 0,
    byHealth: { ok: 0, rejected: 0, limited: 0, unreachable: 0 },
    undecryptable: 0,
    goneMeanwhile: 0,
    changes: {},
    aborted: false,
  };
}

/** The keys due, claimed a batch at a time: one claim in flight refills the queue for every worker. */
function claimer(options: RecheckOptions, signal: AbortSignal) {
  const batchSize = options.batchSize ?? 20;
  const queue: ClaimedKey[] = [];
  let exhausted = false;
  let claiming: Promise<void> | undefined;
  return {
    async next(): Promise<ClaimedKey | undefined> {
      while (queue.length === 0 && !exhausted && !signal.aborted) {
        claiming ??= claimKeysForRecheck({
          checkedBefore: options.checkedBefore,
          limit: batchSize,
          leaseSeconds: options.leaseSeconds ?? 300,
        })
          .then((batch) => {
            queue.push(...batch);
            exhausted = batch.length < batchSize;
          })
          .finally(() => (claiming = undefined));
        await claiming;
      }
      return signal.aborted ? undefined : queue.shift();
    },
    /** The keys claimed and not handed to a worker. */
    unclaimed: () => queue.splice(0),
  };
}

/** One key: opened, asked about at its provider's pace, its health recorded and counted. */
async function recheck(
  { options, signal, pacer, summary }: Pass,
  key: ClaimedKey,
  provider: ProviderRecord | undefined,
): Promise<void> {
  if (!provider) return postponeRecheck(key, options.postponeSeconds ?? 86_400); // a provider no longer offered
  let apiKey: string;
  try {
    apiKey = await openEnvelope(key.encryptedKey, key);
  } catch (error) {
    if (!(error instanceof KeyDecryptionError)) throw error;
    summary.undecryptable++;
    return postponeRecheck(key, options.postponeSeconds ?? 86_400);
  }
  try {
    await pacer.turn(provider.registryId === "custom" ? provider.id : provider.registryId, signal);
  } catch (error) {
    if (signal.aborted) return releaseRecheck([key]);
    throw error;
  }
  const { status, message } = await checkProviderKey(provider, apiKey, { signal, log: false });
  if (signal.aborted) return releaseRecheck([key]); // the answer may be the abort itself: record nothing
  if (status === "undecryptable") return;
  const change = await recordKeyHealth(key, { status, message }, "recheck");
  summary.checked++;
  if (!change) {
    summary.goneMeanwhile++;
  } else {
    summary.byHealth[change.health as CheckedHealth]++;
    if (change.previous !== change.health) {
      summary.changed++;
      const label = `${provider.name}: ${change.previous} → ${change.health}`;
      summary.changes[label] = (summary.changes[label] ?? 0) + 1;
    }
  }
  options.onProgress?.({ due: summary.due, checked: summary.checked, changed: summary.changed });
}
