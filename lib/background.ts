import "server-only";

/**
 * Work a request starts but does not wait for (e.g. purging expired rate-limit windows). A shutdown
 * (lib/shutdown.ts) waits for it before it closes the database. One registry per process, whichever bundle
 * loads this module first (see lib/request-context.ts).
 */
const KEY = Symbol.for("byok.background");
const holder = globalThis as unknown as { [KEY]?: Set<Promise<unknown>> };
const running: Set<Promise<unknown>> = (holder[KEY] ??= new Set());

export function inBackground(task: Promise<unknown>): void {
  const tracked = task.catch(() => {}); // the task reports its own failures
  running.add(tracked);
  void tracked.finally(() => running.delete(tracked));
}

/** Resolves when every piece of background work started so far has settled. */
export async function backgroundSettled(): Promise<void> {
  await Promise.all(running);
}
