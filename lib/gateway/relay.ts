import "server-only";

/**
 * A provider's streamed answer (server-sent events), relayed to the caller as it arrives, byte for byte: only the
 * events that may carry usage are parsed (the last ones, in practice), and one event can be held back — the
 * usage-only chunk the gateway asked for on the caller's behalf (`stream_options.include_usage`), which the caller
 * did not ask to see. When the provider's connection breaks the stream ends as that API's streams end on error
 * (OpenAI: an `error` chunk, then the connection closed; Anthropic: an `error` event). The caller's disconnect
 * cancels the provider's response, which aborts its request.
 */

/** What an answer used, as read from the provider's own events or body. */
export interface AnswerUsage {
  inputTokens: number;
  outputTokens: number;
  /** What the provider says the answer cost (OpenRouter's `usage.cost`), in dollars. */
  costUsd?: number;
}

/** How an answer ended. */
export interface Finished {
  usage: AnswerUsage | null;
  /** The provider's stream broke off (or never made sense) after it had begun. */
  broken: boolean;
  /** The caller went away before the end. */
  stopped: boolean;
}

export type Dialect = "openai" | "anthropic";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const USAGE = Buffer.from('"usage"');

/** The event that ends a broken stream, in the dialect's own shape. */
function brokenEvent(dialect: Dialect, message: string): Uint8Array {
  if (dialect === "anthropic") {
    return encoder.encode(
      `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "api_error", message } })}\n\n`,
    );
  }
  return encoder.encode(
    `data: ${JSON.stringify({ error: { message, type: "api_error", param: null, code: "provider_stream_broken" } })}\n\n`,
  );
}

const number = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

/** Usage in one parsed OpenAI-style object (a chunk or a whole answer): `usage`, or Groq's `x_groq.usage`. */
export function openAiUsage(payload: unknown): AnswerUsage | null {
  const record = payload as {
    usage?: Record<string, unknown> | null;
    x_groq?: { usage?: Record<string, unknown> };
  } | null;
  const usage = record?.usage ?? record?.x_groq?.usage;
  if (!usage || typeof usage !== "object") return null;
  const input = number(usage.prompt_tokens);
  const output = number(usage.completion_tokens);
  if (input === undefined && output === undefined) return null;
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    ...(number(usage.cost) !== undefined ? { costUsd: number(usage.cost) } : {}),
  };
}

/** Usage as Anthropic reports it: `input_tokens` in message_start (and in a whole answer), `output_tokens` growing. */
export function anthropicUsage(payload: unknown, previous: AnswerUsage | null): AnswerUsage | null {
  const record = payload as { usage?: Record<string, unknown>; message?: { usage?: Record<string, unknown> } } | null;
  const usage = record?.message?.usage ?? record?.usage;
  if (!usage || typeof usage !== "object") return previous;
  const input =
    (number(usage.input_tokens) ?? 0) +
    (number(usage.cache_creation_input_tokens) ?? 0) +
    (number(usage.cache_read_input_tokens) ?? 0);
  return {
    inputTokens: number(usage.input_tokens) !== undefined ? input : (previous?.inputTokens ?? 0),
    outputTokens: number(usage.output_tokens) ?? previous?.outputTokens ?? 0,
  };
}

/** The JSON of one SSE event's `data:` lines; undefined when it has none or it is not JSON (`[DONE]`). */
function eventData(event: string): unknown {
  const data = event
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
    .join("\n");
  if (!data || data === "[DONE]") return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The end of the last complete event in `bytes` (just past its blank line), or -1. */
function lastEventEnd(bytes: Buffer): number {
  const lf = bytes.lastIndexOf("\n\n");
  const crlf = bytes.lastIndexOf("\r\n\r\n");
  if (lf < 0 && crlf < 0) return -1;
  return lf > crlf ? lf + 2 : crlf + 4;
}

export interface RelayOptions {
  dialect: Dialect;
  /** Hold back usage-only chunks (`choices: []`): the gateway asked for them, the caller did not. */
  hideUsageChunk: boolean;
  /** Called once, when the answer is over. */
  onEnd: (finished: Finished) => void;
  /** Called when the caller goes away (abort the provider's request). */
  onCancel: () => void;
  brokenMessage: string;
}

/** Passes complete events on, reading the usage of those that may carry it (and holding back a hidden usage chunk). */
function usageReader(dialect: Dialect, hideUsageChunk: boolean) {
  const reader = {
    usage: null as AnswerUsage | null,
    /** Complete events, as they should reach the caller: parsed only when they may carry usage. */
    pass(events: Buffer): Uint8Array | null {
      if (events.indexOf(USAGE) < 0) return events;
      const kept: string[] = [];
      for (const event of decoder.decode(events).split(/(?<=\r?\n\r?\n)/)) {
        const data = eventData(event);
        if (dialect === "anthropic") {
          reader.usage = anthropicUsage(data, reader.usage);
        } else {
          const found = openAiUsage(data);
          reader.usage = found ?? reader.usage;
          const choices = (data as { choices?: unknown[] } | undefined)?.choices;
          if (hideUsageChunk && Array.isArray(choices) && choices.length === 0 && found) continue;
        }
        kept.push(event);
      }
      return kept.length > 0 ? encoder.encode(kept.join("")) : null;
    },
  };
  return reader;
}

/** What was held back, then the new chunk (a view of it when nothing was). */
const joined = (pending: Buffer, chunk: Uint8Array): Buffer =>
  pending.length > 0 ? Buffer.concat([pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

export function relayEvents(source: ReadableStream<Uint8Array>, options: RelayOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const events = usageReader(options.dialect, options.hideUsageChunk);
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  const end = (finished: Omit<Finished, "usage">) => {
    if (ended) return;
    ended = true;
    options.onEnd({ usage: events.usage, ...finished });
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          if (ended) return;
          if (pending.length > 0) controller.enqueue(pending);
          controller.enqueue(brokenEvent(options.dialect, options.brokenMessage));
          controller.close();
          end({ broken: true, stopped: false });
          return;
        }
        if (chunk.done) {
          if (pending.length > 0) {
            const rest = events.pass(pending);
            if (rest) controller.enqueue(rest);
          }
          controller.close();
          end({ broken: false, stopped: false });
          return;
        }
        const bytes = joined(pending, chunk.value);
        const cut = lastEventEnd(bytes);
        if (cut < 0) {
          pending = bytes;
          continue;
        }
        pending = bytes.subarray(cut);
        const out = events.pass(bytes.subarray(0, cut));
        if (out) {
          controller.enqueue(out);
          return;
        }
      }
    },
    async cancel() {
      options.onCancel();
      end({ broken: false, stopped: true });
      await reader.cancel().catch(() => {});
    },
  });
}
