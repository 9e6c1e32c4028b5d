import type { UIMessage } from "ai";
import { NETWORK_ERROR_MESSAGE, UNKNOWN_ERROR_MESSAGE } from "@/lib/client/api";
import { usd } from "@/lib/client/format";
import type { ChatFailureView, ChatMetadata } from "@/lib/validation/chat-rules";

/** The playground's side of POST /api/chat: what is sent, and how a failure reads. Plain functions, no React. */

export type PlaygroundMessage = UIMessage<ChatMetadata>;

/** The text of a UI message (its text parts, joined). */
export function textOf(message: Pick<UIMessage, "parts">): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * The conversation as the API takes it: `{ role, content }`, user and assistant turns with text only. An answer
 * that failed before any text leaves nothing to send, so it is left out (the provider would refuse an empty turn).
 */
export function toWireMessages(messages: PlaygroundMessage[]): { role: "user" | "assistant"; content: string }[] {
  return messages
    .filter((m): m is PlaygroundMessage & { role: "user" | "assistant" } => m.role === "user" || m.role === "assistant")
    .map((m) => ({ role: m.role, content: textOf(m) }))
    .filter((m) => m.content.trim() !== "");
}

export type ChatProblemKind = ChatFailureView["status"] | "request";

export interface ChatProblem {
  kind: ChatProblemKind;
  /** A short title for the kind. */
  title: string;
  message: string;
  /** Whether the fix is in Settings (the key, or the lack of one). */
  settings: boolean;
}

const TITLES: Record<ChatProblemKind, string> = {
  invalid: "Key rejected",
  limited: "Key limited",
  unreachable: "Provider unreachable",
  request: "Not sent",
};

const SETTINGS_CODES = new Set([
  "api_key_not_found",
  "api_key_disabled",
  "api_key_undecryptable",
  "provider_not_found",
]);

/**
 * `useChat`'s error, read back: the stream's error part carries `{ status, message }` (our classification of the
 * provider's failure); a refused request (4xx/5xx before any stream) carries the API's `{ error, code }`.
 */
export function readChatError(error: Error): ChatProblem {
  let data: unknown;
  try {
    data = JSON.parse(error.message);
  } catch {
    data = undefined;
  }
  const payload = (data ?? {}) as { status?: unknown; message?: unknown; error?: unknown; code?: unknown };
  if (
    (payload.status === "invalid" || payload.status === "limited" || payload.status === "unreachable") &&
    typeof payload.message === "string"
  ) {
    return {
      kind: payload.status,
      title: TITLES[payload.status],
      message: payload.message,
      settings: payload.status !== "unreachable",
    };
  }
  if (typeof payload.error === "string") {
    const code = typeof payload.code === "string" ? payload.code : "";
    return { kind: "request", title: TITLES.request, message: payload.error, settings: SETTINGS_CODES.has(code) };
  }
  const offline = /fetch|network/i.test(error.message);
  return {
    kind: "request",
    title: TITLES.request,
    message: offline ? NETWORK_ERROR_MESSAGE : UNKNOWN_ERROR_MESSAGE,
    settings: false,
  };
}

/** "12 tokens in, 340 out", or undefined when the provider reported none. */
export function describeTokens(metadata: ChatMetadata | undefined): string | undefined {
  if (metadata?.inputTokens === undefined && metadata?.outputTokens === undefined) return undefined;
  const n = (v: number | undefined) => (v === undefined ? "?" : v.toLocaleString("en"));
  return `${n(metadata.inputTokens)} tokens in, ${n(metadata.outputTokens)} out`;
}

/** "$0.0042", "unpriced" (the model has no price: its cost is unknown, never $0), or undefined before the answer ends. */
export function describeCost(metadata: ChatMetadata | undefined): string | undefined {
  const cost = metadata?.costMicroUsd;
  if (cost === undefined) return undefined;
  return cost === null ? "unpriced" : usd(cost);
}
