import "server-only";
import type { ModelMessage } from "ai";
import type { ChatCompletionRequest } from "./chat-request";
import { GatewayError } from "./errors";

/**
 * An OpenAI Chat Completions conversation in the AI SDK's terms, for a provider that speaks another API
 * (translate.ts): text only; anything else is a 400 naming the part, before anything is spent.
 */

type Message = ChatCompletionRequest["messages"][number];

function textOf(message: Message, index: number): string {
  const content = message.content;
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, p) => {
      if (part.type !== "text" || typeof part.text !== "string") {
        throw new GatewayError(
          "invalid_request",
          "unsupported_content",
          `messages.${index}.content.${p}: only text parts can be sent to this provider.`,
        );
      }
      return part.text;
    })
    .join("");
}

/** The conversation in the AI SDK's terms: system (and developer) messages as the system prompt. */
export function toModelMessages(messages: Message[]): { system?: string; messages: ModelMessage[] } {
  const system: string[] = [];
  const turns: ModelMessage[] = [];
  messages.forEach((message, index) => {
    const text = textOf(message, index);
    if (message.role === "system" || message.role === "developer") system.push(text);
    else if (message.role === "user") turns.push({ role: "user", content: text });
    else if (message.role === "assistant") turns.push({ role: "assistant", content: text });
    else
      throw new GatewayError(
        "invalid_request",
        "unsupported_content",
        `messages.${index}.role: tool messages cannot be sent to this provider.`,
      );
  });
  if (turns.length === 0)
    throw new GatewayError("invalid_request", "invalid_request_body", "messages: at least one user message is needed.");
  return { ...(system.length > 0 ? { system: system.join("\n\n") } : {}), messages: turns };
}
