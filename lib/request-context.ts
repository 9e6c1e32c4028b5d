import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line of one HTTP request shares: its id. The store lives on globalThis under a registered
 * symbol because Next compiles instrumentation.ts (which starts each request's context, lib/http/requests.ts)
 * and the route handlers (which log) into separate bundles: both must reach the same AsyncLocalStorage.
 */
export interface RequestContext {
  requestId: string;
}

const KEY = Symbol.for("byok.requestContext");
const holder = globalThis as unknown as { [KEY]?: AsyncLocalStorage<RequestContext> };
export const requestContext: AsyncLocalStorage<RequestContext> = (holder[KEY] ??= new AsyncLocalStorage());

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
