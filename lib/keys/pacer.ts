/**
 * Spaces requests to each provider: a request may start no sooner than `spacingMs` after the previous one to the
 * same provider, whatever the concurrency. Keeps a re-check pass of many keys from looking like a burst to a
 * provider (which could throttle, or flag, the accounts behind them).
 */
export class ProviderPacer {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly spacingMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits for this provider's next slot and takes it. Rejects (AbortError) when `signal` aborts meanwhile. */
  async turn(provider: string, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.next.get(provider) ?? now);
    this.next.set(provider, slot + this.spacingMs);
    if (slot > now) await sleep(slot - now, signal);
  }
}

/** A wait that an abort ends (rejecting with the signal's reason, an AbortError by default). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
