import type { ServerResponse } from "node:http";
import type { RegistryId } from "@/lib/domain/catalogue";
import type { Behaviour } from "./behaviours";
import { json, keyCheckReply, type Reply, send } from "./key-check-replies";

/**
 * Chat in each provider's real wire format, streaming (SSE) or not: OpenAI chat completions (also spoken by
 * Mistral, Groq, xAI, DeepSeek, OpenRouter and custom endpoints), Anthropic messages, Google generateContent /
 * streamGenerateContent. Usage comes in the final event, as the real ones send it. Behaviours by key: valid (and
 * slow, delayed before it answers by server.ts) stream the answer; `cut` streams half of it and drops the
 * connection; invalid, limited, error500… answer with the provider's own error body.
 */

const REPLY_WORDS = ["Hello", " from", " the", " fake", " provider."];

/** How a streamed answer is paced: how many text chunks, how far apart. For the bench and the browser tests. */
export interface ChatPacing {
  chunks: number;
  intervalMs: number;
}

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};

/** FAKE_CHAT_CHUNKS / FAKE_CHAT_INTERVAL_MS, or 5 chunks sent at once. */
export function defaultPacing(): ChatPacing {
  return {
    chunks: Math.max(1, envNumber("FAKE_CHAT_CHUNKS", REPLY_WORDS.length)),
    intervalMs: envNumber("FAKE_CHAT_INTERVAL_MS", 0),
  };
}

/** The text chunks of an answer: the five words, then numbered ones when more are asked for. */
export function replyChunks(count: number): string[] {
  return Array.from({ length: count }, (_, i) => REPLY_WORDS[i] ?? ` w${i}`);
}

/** Responses the fake dropped on purpose (`cut`), so server.ts does not record them as aborted by the client. */
export const cutByFake = new WeakSet<ServerResponse>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ChatPath = "openai" | "anthropic" | "google";

export function chatPathOf(
  registryId: RegistryId,
  method: string,
  path: string,
): { dialect: ChatPath; stream?: boolean; model?: string } | undefined {
  if (method !== "POST") return undefined;
  if (registryId === "anthropic") return path === "/messages" ? { dialect: "anthropic" } : undefined;
  if (registryId === "google") {
    const match = /^\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(path);
    return match
      ? { dialect: "google", stream: match[2] === "streamGenerateContent", model: decodeURIComponent(match[1]!) }
      : undefined;
  }
  return path === "/chat/completions" ? { dialect: "openai" } : undefined;
}

/** A failure in the provider's own error shape, for the behaviours that are not an answer. */
function errorReply(registryId: RegistryId, behaviour: Behaviour, key: string): Reply {
  const as = behaviour === "limited" || behaviour === "nocredit" ? behaviour : "invalid";
  return (
    keyCheckReply(registryId, as, key) ??
    keyCheckReply(registryId, "invalid", key) ??
    json(401, { error: { message: "Unauthorized" } })
  );
}

export async function chat(
  registryId: RegistryId,
  path: string,
  behaviour: Behaviour,
  key: string,
  body: unknown,
  res: ServerResponse,
  pacing: ChatPacing = defaultPacing(),
): Promise<void> {
  const route = chatPathOf(registryId, "POST", path)!;
  if (behaviour !== "valid" && behaviour !== "slow" && behaviour !== "cut")
    return send(res, errorReply(registryId, behaviour, key));
  const request = (body ?? {}) as { model?: string; stream?: boolean; stream_options?: { include_usage?: unknown } };
  const model = route.model ?? request.model ?? "fake-model";
  const stream = route.stream ?? request.stream === true;
  const chunks = replyChunks(pacing.chunks);
  const usage = { input: 5, output: chunks.length };

  if (!stream) return send(res, json(200, wholeAnswer(route.dialect, model, chunks.join(""), usage, registryId)));

  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const frames = frameWriter(route.dialect, model, res, registryId, request.stream_options?.include_usage === true);
  frames.start();
  // A cut answer sends half its chunks (at least one), then the connection drops without a last event.
  const sent = behaviour === "cut" ? Math.max(1, Math.floor(chunks.length / 2)) : chunks.length;
  for (let i = 0; i < sent; i++) {
    if (res.destroyed) return;
    if (i > 0 && pacing.intervalMs > 0) await sleep(pacing.intervalMs);
    if (res.destroyed) return;
    frames.text(chunks[i]!);
  }
  if (behaviour === "cut") {
    cutByFake.add(res);
    res.destroy();
    return;
  }
  frames.finish(usage);
  res.end();
}

type Usage = { input: number; output: number };

function wholeAnswer(dialect: ChatPath, model: string, text: string, usage: Usage, registryId: RegistryId): unknown {
  if (dialect === "anthropic") {
    return {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    };
  }
  if (dialect === "google") {
    return {
      candidates: [{ content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 }],
      usageMetadata: googleUsage(usage),
      modelVersion: model,
    };
  }
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: usageOf(registryId, usage),
  };
}

const openAiUsage = (u: Usage) => ({
  prompt_tokens: u.input,
  completion_tokens: u.output,
  total_tokens: u.input + u.output,
});
/** OpenRouter adds what the answer cost, in dollars: here $1 per million input tokens and $3 per million output. */
export const openRouterCostUsd = (u: Usage) => (u.input * 1 + u.output * 3) / 1_000_000;
const usageOf = (registryId: RegistryId, u: Usage) =>
  registryId === "openrouter" ? { ...openAiUsage(u), cost: openRouterCostUsd(u) } : openAiUsage(u);
const googleUsage = (u: Usage) => ({
  promptTokenCount: u.input,
  candidatesTokenCount: u.output,
  totalTokenCount: u.input + u.output,
});

/** The SSE events of one streamed answer in a dialect: its opening, each text chunk, its close with usage. */
function frameWriter(
  dialect: ChatPath,
  model: string,
  res: ServerResponse,
  registryId: RegistryId,
  includeUsage: boolean,
) {
  const data = (payload: object) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  if (dialect === "anthropic") {
    const event = (type: string, payload: object) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
    return {
      start() {
        event("message_start", {
          message: {
            id: "msg_fake",
            type: "message",
            role: "assistant",
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 5, output_tokens: 1 },
          },
        });
        event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
      },
      text: (text: string) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }),
      finish(usage: Usage) {
        event("content_block_stop", { index: 0 });
        event("message_delta", {
          delta: { stop_reason: "end_turn", stop_sequence: null },
          usage: { output_tokens: usage.output },
        });
        event("message_stop", {});
      },
    };
  }
  if (dialect === "google") {
    const candidate = (text: string, finishReason?: string) => ({
      content: { parts: [{ text }], role: "model" },
      index: 0,
      ...(finishReason ? { finishReason } : {}),
    });
    return {
      start() {},
      text: (text: string) => data({ candidates: [candidate(text)], modelVersion: model }),
      // The last event: an empty text with the finish reason, and the usage.
      finish: (usage: Usage) =>
        data({ candidates: [candidate("", "STOP")], usageMetadata: googleUsage(usage), modelVersion: model }),
    };
  }
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    data({
      id: "chatcmpl-fake",
      object: "chat.completion.chunk",
      created: 1,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
  return {
    start: () => chunk({ role: "assistant", content: "" }, null),
    text: (text: string) => chunk({ content: text }, null),
    finish(usage: Usage) {
      // Where each one puts the usage: Mistral and DeepSeek on the finishing chunk, Groq in `x_groq` there as
      // well, OpenRouter always in a last chunk without choices, OpenAI (and OpenAI-compatible servers) and xAI
      // there too but only when asked with stream_options.include_usage.
      if (registryId === "mistral" || registryId === "deepseek")
        chunk({ content: "" }, "stop", { usage: openAiUsage(usage) });
      else if (registryId === "groq") chunk({}, "stop", { x_groq: { id: "req_fake", usage: openAiUsage(usage) } });
      else {
        chunk({}, "stop");
        if (includeUsage || registryId === "openrouter") {
          data({
            id: "chatcmpl-fake",
            object: "chat.completion.chunk",
            created: 1,
            model,
            choices: [],
            usage: usageOf(registryId, usage),
          });
        }
      }
      res.write("data: [DONE]\n\n");
    },
  };
}
