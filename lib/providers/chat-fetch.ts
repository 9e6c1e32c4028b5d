import "server-only";
import { Agent, fetch as undiciFetch } from "undici";
import type { FetchFunction } from "@/lib/net/outbound";
import { providerTimeoutMs } from "./provider-get";

/**
 * The fetch the AI SDK uses to stream a playground answer from a BUILT-IN provider, whose address comes from the
 * catalogue or the operator (PROVIDER_BASE_URL_*), never from a user: custom endpoints use the outbound guard's
 * fetch instead (lib/keys/chat.ts). An HTTP client is allowed here by ESLint for that reason alone.
 *
 * The provider must START answering (status and headers) within `timeoutMs` (PROVIDER_TIMEOUT_MS, 8 s by
 * default); once it has, the answer may stream for as long as it takes, bounded only by the caller's signal (the
 * client's disconnect). Redirects are refused: one could carry the key elsewhere.
 *
 * undici's own fetch (the client Node's global fetch is built on) with a connection pool of its own, not the
 * global fetch: in a Next.js server that one is wrapped for Next's data cache and tracing, a span and a cache
 * decision per call that a provider's answer never uses (about 8% of a gateway request's CPU, `npm run
 * bench:profile -- gateway`).
 */
const providers = new Agent();
const providerFetch: FetchFunction = (input, init) =>
  undiciFetch(input as string, { ...(init as object), dispatcher: providers }) as unknown as Promise<Response>;
export function createChatFetch(timeoutMs = providerTimeoutMs()): FetchFunction {
  return async (input, init = {}) => {
    const answerStart = new AbortController();
    const timer = setTimeout(
      () => answerStart.abort(new DOMException(`The provider did not answer within ${timeoutMs} ms.`, "TimeoutError")),
      timeoutMs,
    );
    const signal = init.signal ? AbortSignal.any([init.signal, answerStart.signal]) : answerStart.signal;
    try {
      return await providerFetch(input, { ...init, signal, redirect: "error" });
    } finally {
      clearTimeout(timer);
    }
  };
}
