import "server-only";
import { env } from "@/lib/env";
import { AnswerTooLargeError, readLimited } from "@/lib/net/read-limited";

/**
 * One GET to a provider, by the rules every call with a user's key follows: a timeout (the caller's signal), no
 * redirects (a redirect could carry the key elsewhere), no retries, the body read up to a size cap (beyond it an
 * AnswerTooLargeError) and parsed as JSON when it is JSON. The URL and headers are never logged (they hold the
 * key). `fetch` is the plain one for the built-in providers, the outbound guard's for custom endpoints.
 */

export interface ProviderAnswer {
  status: number;
  /** The parsed JSON body; undefined when it is empty or not JSON. */
  body: unknown;
}

export type GetFetch = (url: string, init: RequestInit) => Promise<Response>;

export function providerTimeoutMs(): number {
  return env("PROVIDER_TIMEOUT_MS");
}

/** Throws on a network failure, a timeout, a redirect or an answer over the cap (see describeNetworkFailure). */
export async function providerGet(
  url: string,
  headers: Record<string, string>,
  options: { signal: AbortSignal; maxBytes: number; fetch?: GetFetch },
): Promise<ProviderAnswer> {
  const response = await (options.fetch ?? fetch)(url, {
    method: "GET",
    headers: { accept: "application/json", "user-agent": "byok-keyring/1", ...headers },
    redirect: "error",
    signal: options.signal,
    cache: "no-store",
  });
  const bytes = await readLimited(response.body, options.maxBytes);
  if (!bytes) throw new AnswerTooLargeError(options.maxBytes);
  let body: unknown;
  try {
    body = bytes.length > 0 ? JSON.parse(bytes.toString("utf8")) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

/** Our sentence for a call that got no answer: "Couldn't reach <name> to <purpose> (<why>)." */
export function describeNetworkFailure(error: unknown, name: string, purpose: string, timeoutMs: number): string {
  const err = error as { name?: string; cause?: { message?: string; code?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError" || /TIMEOUT/.test(err.cause?.code ?? "")) {
    return `Couldn't reach ${name} to ${purpose} (timed out after ${Math.round(timeoutMs / 100) / 10} s).`;
  }
  if (error instanceof AnswerTooLargeError) {
    return `Couldn't ${purpose}: ${name} answered with more than ${error.maxBytes / (1 << 20)} MiB.`;
  }
  if (/redirect/i.test(err.cause?.message ?? "")) {
    return `Couldn't reach ${name} to ${purpose} (it answered with a redirect, which is refused).`;
  }
  const code = err.cause?.code;
  const what = code === "ENOTFOUND" || code === "EAI_AGAIN" ? "its address could not be resolved" : "connection failed";
  return `Couldn't reach ${name} to ${purpose} (${what}).`;
}
