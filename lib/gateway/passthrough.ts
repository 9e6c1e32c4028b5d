import "server-only";
import type { ProviderRecord } from "@/lib/db/providers";
import { readLimited } from "@/lib/net/read-limited";
import type { FetchFunction } from "@/lib/net/outbound";
import { type ChatFailure, classifyChatFailure, classifyProviderStatus } from "@/lib/providers/chat-failure";
import { type AnswerUsage, anthropicUsage, type Dialect, type Finished, openAiUsage, relayEvents } from "./relay";

/**
 * One attempt of a gateway answer on one key, by passing the caller's request through to a provider that speaks
 * the caller's API (OpenAI chat completions for OpenAI-compatible providers and custom endpoints; Anthropic's
 * Messages for /v1/messages): the request as sent with the model replaced, the provider's answer back as it sent
 * it. Before any output, a failure is classified for the next key; once the provider answered 2xx, the answer is
 * the caller's.
 */

/** What one attempt came to before any output: the answer to send, or why this key could not give one. */
export type AttemptOutcome =
  | { ok: true; response: Response; finished: Promise<Finished> }
  | { ok: false; failure: ChatFailure; refused?: { status: number; message: string } };

export interface Upstream {
  url: string;
  headers: Record<string, string>;
  fetch: FetchFunction;
  dialect: Dialect;
}

/** A whole (non-streamed) answer larger than this is not passed on. */
const MAX_ANSWER_BYTES = 32 << 20;
const MAX_ERROR_BYTES = 64 << 10;

/** A request the provider refused (400, 404, 422…): its own message, with anything shaped like a key masked. */
function refusal(status: number, text: string, apiKey: string): { status: number; message: string } {
  let message = `The provider refused the request (HTTP ${status}).`;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const said = typeof body.error === "string" ? body.error : (body.error?.message ?? body.message);
    if (typeof said === "string" && said.trim()) message = said.slice(0, 500);
  } catch {
    // not JSON: keep our sentence
  }
  if (apiKey) message = message.split(apiKey).join("[key]");
  message = message.replace(/\b(?:sk|gsk|xai|AIza|key)[-_A-Za-z0-9*.]{6,}/g, "[key]");
  return { status, message };
}

interface PassOptions {
  stream: boolean;
  hideUsageChunk: boolean;
  provider: ProviderRecord;
  apiKey: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export async function passThrough(
  upstream: Upstream,
  payload: Record<string, unknown>,
  options: PassOptions,
): Promise<AttemptOutcome> {
  const abort = new AbortController();
  const signal = AbortSignal.any([options.signal, abort.signal]);
  let response: Response;
  try {
    response = await upstream.fetch(upstream.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.stream ? { accept: "text/event-stream" } : {}),
        ...upstream.headers,
      },
      body: JSON.stringify(payload),
      signal,
    });
  } catch (error) {
    return { ok: false, failure: classifyChatFailure(error, options.provider, { timeoutMs: options.timeoutMs }) };
  }
  if (!response.ok) return refused(response, options);
  const headers = {
    "content-type": response.headers.get("content-type") ?? (options.stream ? "text/event-stream" : "application/json"),
  };
  if (options.stream && response.body) return streamed(response.body, headers, upstream.dialect, options, abort);
  return whole(response, headers, upstream.dialect, options);
}

/** A provider's non-2xx answer: classified for the next key, with the provider's refusal when it is not the key's. */
async function refused(response: Response, options: PassOptions): Promise<AttemptOutcome> {
  const text = (await readLimited(response.body, MAX_ERROR_BYTES).catch(() => null))?.toString("utf8") ?? "";
  const failure = classifyProviderStatus(response.status, text, options.provider);
  return {
    ok: false,
    failure,
    ...(failure.concernsKey ? {} : { refused: refusal(response.status, text, options.apiKey) }),
  };
}

/** A streamed answer, relayed event by event; `finished` settles when the relay ends. */
function streamed(
  events: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  dialect: Dialect,
  options: PassOptions,
  abort: AbortController,
): AttemptOutcome {
  let settle: (finished: Finished) => void = () => {};
  const finished = new Promise<Finished>((resolve) => (settle = resolve));
  const body = relayEvents(events, {
    dialect,
    hideUsageChunk: options.hideUsageChunk,
    onEnd: settle,
    onCancel: () => abort.abort(),
    brokenMessage: `The connection to ${options.provider.name} broke off before the answer was complete.`,
  });
  return {
    ok: true,
    response: new Response(body, { headers: { ...headers, "cache-control": "no-store, no-transform" } }),
    finished,
  };
}

/** A whole answer, read (up to MAX_ANSWER_BYTES) and passed on as it came, its usage read from it. */
async function whole(
  response: Response,
  headers: Record<string, string>,
  dialect: Dialect,
  options: PassOptions,
): Promise<AttemptOutcome> {
  let bytes: Buffer | null;
  try {
    bytes = await readLimited(response.body, MAX_ANSWER_BYTES);
  } catch (error) {
    return { ok: false, failure: classifyChatFailure(error, options.provider, { timeoutMs: options.timeoutMs }) };
  }
  if (!bytes)
    return {
      ok: false,
      failure: {
        status: "unreachable",
        concernsKey: false,
        message: `${options.provider.name}'s answer was too large.`,
      },
    };
  const usage = wholeAnswerUsage(bytes, dialect);
  return {
    ok: true,
    response: new Response(new Uint8Array(bytes), { headers }),
    finished: Promise.resolve({ usage, broken: false, stopped: false }),
  };
}

function wholeAnswerUsage(bytes: Buffer, dialect: Dialect): AnswerUsage | null {
  try {
    const body = JSON.parse(bytes.toString("utf8")) as unknown;
    return dialect === "anthropic" ? anthropicUsage(body, null) : openAiUsage(body);
  } catch {
    return null;
  }
}
