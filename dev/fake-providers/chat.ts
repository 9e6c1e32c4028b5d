import type { ServerResponse } from "node:http";
import type { RegistryId } from "@/lib/providers/catalogue";
import type { Behaviour } from "./behaviours";
import { json, keyCheckReply, send } from "./key-check-replies";

const REPLY_WORDS = ["Hello", " from", " the", " fake", " provider."];

/** Chat completions (OpenAI-compatible) and Anthropic messages, streaming (SSE) or not. */
export function chat(registryId: RegistryId, path: string, behaviour: Behaviour, key: string, body: unknown, res: ServerResponse) {
  if (behaviour !== "valid" && behaviour !== "limited") {
    return send(res, keyCheckReply(registryId, "invalid", key)!);
  }
  if (behaviour === "limited") return send(res, keyCheckReply(registryId, "limited", key)!);
  const request = (body ?? {}) as { model?: string; stream?: boolean };
  const model = request.model ?? "fake-model";
  const text = REPLY_WORDS.join("");

  if (path === "/messages") {
    if (!request.stream) {
      return send(res, json(200, { id: "msg_fake", type: "message", role: "assistant", model, content: [{ type: "text", text }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 5, output_tokens: 5 } }));
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const event = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("message_start", { message: { id: "msg_fake", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } });
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    for (const word of REPLY_WORDS) event("content_block_delta", { index: 0, delta: { type: "text_delta", text: word } });
    event("content_block_stop", { index: 0 });
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } });
    event("message_stop", {});
    return res.end();
  }

  const usage = { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 };
  if (!request.stream) {
    return send(res, json(200, { id: "chatcmpl-fake", object: "chat.completion", created: 1, model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage }));
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finish: string | null, extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  chunk({ role: "assistant", content: "" }, null);
  for (const word of REPLY_WORDS) chunk({ content: word }, null);
  chunk({}, "stop");
  res.write(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1, model, choices: [], usage })}\n\n`);
  res.write("data: [DONE]\n\n");
  res.end();
}
