import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { DECRYPT_CHANNEL } from "@/lib/crypto/secret-box";
import { QUERY_CHANNEL } from "@/lib/db/client";
import { LIST_BUILD_CHANNEL } from "@/lib/db/key-list-json";

export interface Counted<T> {
  result: T;
  /** Messages published in this process while the work ran, whoever caused them. */
  count: number;
}

/** SQL statements drizzle sent while `work` ran (lib/db/client.ts publishes each one). */
export function countStatements<T>(work: () => Promise<T>): Promise<Counted<T>> {
  return counting(QUERY_CHANNEL, work);
}

/** Decryptions attempted while `work` ran (lib/crypto/secret-box.ts publishes each one). */
export function countDecryptions<T>(work: () => Promise<T>): Promise<Counted<T>> {
  return counting(DECRYPT_CHANNEL, work);
}

/** Key lists whose JSON the database wrote while `work` ran, rather than one held in memory (lib/db/key-list-json.ts). */
export function countListBuilds<T>(work: () => Promise<T>): Promise<Counted<T>> {
  return counting(LIST_BUILD_CHANNEL, work);
}

async function counting<T>(name: string, work: () => Promise<T>): Promise<Counted<T>> {
  let count = 0;
  const listener = () => void count++;
  subscribe(name, listener);
  try {
    const result = await work();
    return { result, count };
  } finally {
    unsubscribe(name, listener);
  }
}
