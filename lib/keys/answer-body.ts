import "server-only";
import type { UIMessageChunk } from "ai";
import type { ChatFailure } from "@/lib/providers/chat-failure";

/** What the answer's stream holds once the answer has begun: from here on no other key may be tried. */
const OUTPUT = new Set<UIMessageChunk["type"]>([
  "text-delta",
  "reasoning-delta",
  "tool-input-start",
  "tool-input-available",
  "tool-output-available",
  "file",
  "source-url",
  "source-document",
  "finish-step",
  "finish",
  "abort",
]);

const encoder = new TextEncoder();
/** One UI message chunk as the AI SDK frames it on the wire (its JsonToSseTransformStream): an SSE event. */
const sseEvent = (chunk: UIMessageChunk) => encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);
const SSE_DONE = encoder.encode("data: [DONE]\n\n");

/**
 * The SDK's UI message stream as the answer's body, framed as the SDK frames it (createUIMessageStreamResponse:
 * an SSE event per chunk, then `[DONE]`), through ONE reader: read ahead until the answer begins (`beforeOutput`
 * undefined) or fails before any output (`beforeOutput` the failure: the answer is dropped and the next key
 * tried), then as the client reads. A stream that breaks (a dropped provider connection errors the SDK's stream
 * rather than yielding an error part) ends with an error part. One reader and no further layers (no second branch
 * of the provider's stream, no merge into another, no SSE and text-encoding transforms): under 20 streams in
 * flight the server thread was saturated carrying each chunk through the layers' promises (bench:profile -- chat).
 */
export function answerBody(
  parts: ReadableStream<UIMessageChunk>,
  answer: { failure: () => ChatFailure | undefined; brokenText: (error: unknown) => string; stopped: () => boolean },
): { body: ReadableStream<Uint8Array>; beforeOutput: Promise<ChatFailure | undefined> } {
  const reader = parts.getReader();
  let cancelled = false;
  let settle: (failure: ChatFailure | undefined) => void = () => {};
  const beforeOutput = new Promise<ChatFailure | undefined>((resolve) => (settle = resolve));
  /** Moves one chunk into the body; true once the answer has begun, failed or ended. */
  const step = async (controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> => {
    try {
      const { done, value } = await reader.read();
      if (done) {
        controller.enqueue(SSE_DONE);
        controller.close();
        settle(answer.failure());
        return true;
      }
      controller.enqueue(sseEvent(value));
      if (value.type === "error") settle(answer.failure());
      else if (OUTPUT.has(value.type)) settle(undefined);
      else return false;
      return true;
    } catch (error) {
      // The client went away (its stop aborts the provider request): nothing failed, and nobody reads on.
      if (cancelled || answer.stopped()) {
        if (!cancelled) controller.close();
      } else {
        controller.enqueue(sseEvent({ type: "error", errorText: answer.brokenText(error) }));
        controller.enqueue(SSE_DONE);
        controller.close();
      }
      settle(answer.failure());
      return true;
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      while (!(await step(controller)));
    },
    async pull(controller) {
      await step(controller);
    },
    cancel(reason) {
      cancelled = true;
      return reader.cancel(reason);
    },
  });
  return { body, beforeOutput };
}
