import "server-only";
import { randomBytes } from "node:crypto";
import { generateText, streamText, type TextStreamPart, type ToolSet } from "ai";
import type { ProviderRecord } from "@/lib/db/providers";
import { answerModel } from "@/lib/providers/answer-fetch";
import { classifyChatFailure } from "@/lib/providers/chat-failure";
import type { ChatCompletionRequest } from "./chat-request";
import type { AttemptOutcome } from "./passthrough";
import { toModelMessages } from "./model-messages";
import type { AnswerUsage, Finished } from "./relay";

/**
 * An OpenAI Chat Completions request answered by a provider that speaks another API (Anthropic, Google): the
 * request translated into the AI SDK's terms (text, system, temperature, top_p, max_tokens, stop, stream), the
 * answer translated back into OpenAI's, streamed chunk by chunk (usage in a last chunk when the caller asked with
 * `stream_options.include_usage`) or whole.
 */

const FINISH: Record<string, string> = {
  stop: "stop",
  length: "length",
  "content-filter": "content_filter",
  "tool-calls": "tool_calls",
};

const openAiUsage = (usage: AnswerUsage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
});

const sdkUsage = (usage: { inputTokens?: number; outputTokens?: number }): AnswerUsage => ({
  inputTokens: usage.inputTokens ?? 0,
  outputTokens: usage.outputTokens ?? 0,
});

export interface TranslateOptions {
  provider: ProviderRecord;
  apiKey: string;
  model: string;
  /** The model as the caller named it, answered back in `model`. */
  name: string;
  signal: AbortSignal;
  timeoutMs: number;
}

function settings(request: ChatCompletionRequest, options: TranslateOptions) {
  const stop = request.stop;
  return {
    model: answerModel(options.provider, options.apiKey, options.model, options.timeoutMs),
    ...toModelMessages(request.messages),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...((request.max_completion_tokens ?? request.max_tokens) != null
      ? { maxOutputTokens: (request.max_completion_tokens ?? request.max_tokens)! }
      : {}),
    ...(stop != null ? { stopSequences: typeof stop === "string" ? [stop] : stop } : {}),
    abortSignal: options.signal,
    // One request per call: a retry would spend the user's quota twice.
    maxRetries: 0,
  };
}

type Part = TextStreamPart<ToolSet>;
type Parts = ReadableStreamDefaultReader<Part>;

export async function translate(request: ChatCompletionRequest, options: TranslateOptions): Promise<AttemptOutcome> {
  const id = `chatcmpl-${randomBytes(12).toString("base64url")}`;
  const created = Math.floor(Date.now() / 1000);
  if (!request.stream) return whole(request, options, id, created);
  const result = streamText({ ...settings(request, options) });
  const parts = result.fullStream.getReader();
  const first = await readToFirstOutput(parts);
  if ("error" in first) {
    await parts.cancel().catch(() => {});
    return {
      ok: false,
      failure: classifyChatFailure(first.error, options.provider, { timeoutMs: options.timeoutMs }),
    };
  }
  const frames = openAiFrames(id, created, options.name, request.stream_options?.include_usage === true);
  const { body, finished } = eventStream(parts, first.ahead, frames, options.provider.name);
  return {
    ok: true,
    response: new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store, no-transform" },
    }),
    finished,
  };
}

/** Reads ahead to the first output (text, finish or error): a failure before it lets the next key try. */
async function readToFirstOutput(parts: Parts): Promise<{ ahead: Part[] } | { error: unknown }> {
  const read = () =>
    parts.read().catch((error: unknown) => ({
      done: false as const,
      value: { type: "error", error } as Part,
    }));
  const ahead: Part[] = [];
  let next = await read();
  while (
    !next.done &&
    next.value.type !== "text-delta" &&
    next.value.type !== "finish" &&
    next.value.type !== "error"
  ) {
    ahead.push(next.value);
    next = await read();
  }
  if (!next.done && next.value.type === "error") return { error: next.value.error };
  if (!next.done) ahead.push(next.value);
  return { ahead };
}

type Frames = ReturnType<typeof openAiFrames>;

/** The OpenAI chunks of one answer, and its usage once the finish part has been framed. */
function openAiFrames(id: string, created: number, model: string, wantsUsage: boolean) {
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const frames = {
    usage: null as AnswerUsage | null,
    opening: () => chunk({ role: "assistant", content: "" }, null),
    /** One SDK part as the OpenAI chunks it becomes. */
    of(part: Part): string {
      if (part.type === "text-delta") return chunk({ content: part.text }, null);
      if (part.type === "finish") {
        const usage = (frames.usage = sdkUsage(part.totalUsage));
        const last = chunk({}, FINISH[part.finishReason] ?? "stop");
        return wantsUsage
          ? `${last}data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: openAiUsage(usage) })}\n\n`
          : last;
      }
      if (part.type === "error") throw part.error;
      return "";
    },
  };
  return frames;
}

/** The server-sent events of the answer: the parts read ahead, then the rest as the caller pulls them. */
function eventStream(parts: Parts, readAhead: Part[], frames: Frames, providerName: string) {
  let ahead = readAhead;
  const encoder = new TextEncoder();
  let settle: (finished: Finished) => void = () => {};
  const finished = new Promise<Finished>((resolve) => (settle = resolve));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(frames.opening() + ahead.map(frames.of).join("")));
      ahead = [];
    },
    // Each pull enqueues something or closes: a pull that enqueued nothing would not be called again.
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await parts.read();
          if (done) {
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
            settle({ usage: frames.usage, broken: false, stopped: false });
            return;
          }
          const framed = frames.of(value);
          if (framed) return controller.enqueue(encoder.encode(framed));
        }
      } catch {
        const message = `The connection to ${providerName} broke off before the answer was complete.`;
        controller.enqueue(
          encoder.encode(
            `data: ${JSON.stringify({ error: { message, type: "api_error", param: null, code: "provider_stream_broken" } })}\n\n`,
          ),
        );
        controller.close();
        settle({ usage: frames.usage, broken: true, stopped: false });
      }
    },
    async cancel() {
      settle({ usage: frames.usage, broken: false, stopped: true });
      await parts.cancel().catch(() => {});
    },
  });
  return { body, finished };
}

async function whole(
  request: ChatCompletionRequest,
  options: TranslateOptions,
  id: string,
  created: number,
): Promise<AttemptOutcome> {
  let result: Awaited<ReturnType<typeof generateText>>;
  try {
    result = await generateText(settings(request, options));
  } catch (error) {
    return { ok: false, failure: classifyChatFailure(error, options.provider, { timeoutMs: options.timeoutMs }) };
  }
  const usage = sdkUsage(result.totalUsage);
  const answer = {
    id,
    object: "chat.completion",
    created,
    model: options.name,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: result.text },
        finish_reason: FINISH[result.finishReason] ?? "stop",
      },
    ],
    usage: openAiUsage(usage),
  };
  return {
    ok: true,
    response: new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } }),
    finished: Promise.resolve({ usage, broken: false, stopped: false }),
  };
}
