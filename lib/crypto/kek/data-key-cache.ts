import "server-only";
import { LRUCache } from "lru-cache";

/**
 * Data keys recently unwrapped, so that a conversation or a burst of requests on one stored key asks the KEK
 * once, not once per request (the AWS Encryption SDK's caching materials manager, in small): at most MAX_ENTRIES
 * keys (32 bytes each: a few users' worth of keys at work, not the whole table), each for at most `ttlSeconds`
 * after it was unwrapped or sealed, however often it is used (KEK_CACHE_SECONDS, default 60; 0 turns it off).
 * Short, so that a KEK removed from the token, or a token that stops answering, stops every use within a minute;
 * a stored key that changes has a new wrapped data key, so it never meets its predecessor's entry. An entry
 * leaving the cache is overwritten with zeros.
 */
const MAX_ENTRIES = 1_000;

export interface DataKeyCache {
  get(id: string): Buffer | undefined;
  /** Keeps a copy: the caller may wipe its own. */
  set(id: string, dataKey: Buffer): void;
}

/** `clock`: where the time comes from (ms), performance's by default. */
export function dataKeyCache(ttlSeconds: number, clock: { now(): number } = performance): DataKeyCache {
  if (ttlSeconds <= 0) return { get: () => undefined, set: () => {} };
  const cache = new LRUCache<string, Buffer>({
    max: MAX_ENTRIES,
    ttl: ttlSeconds * 1000,
    perf: clock,
    ttlResolution: 0,
    updateAgeOnGet: false,
    dispose: (dataKey) => dataKey.fill(0),
  });
  return {
    get: (id) => cache.get(id),
    set: (id, dataKey) => void cache.set(id, Buffer.from(dataKey)),
  };
}
