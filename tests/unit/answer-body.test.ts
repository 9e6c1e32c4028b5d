import { createUIMessageStreamResponse, type UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { answerBody } from "@/lib/keys/answer-body";
import type { ChatFailure } from "@/lib/providers/chat-failure";

/**
 * The playground answer's body (lib/keys/answer-body.ts): the SDK's UI message stream framed byte for byte as the
 * SDK's own createUIMessageStreamResponse frames it, read ahead until the answer begins or fails.
 */
const ANSWER: UIMessageChunk[] = [
  { type: "start", messageId: "m-1", messageMetadata: { keyHint: "sk-…abcd", model: "m" } },
  { type: "start-step" },
  { type: "text-start", id: "t" },
  { type: "text-delta", id: "t", delta: 'Hello, "world" ✓\n' },
  { type: "text-delta", id: "t", delta: "again" },
  { type: "text-end", id: "t" },
  { type: "finish-step" },
  { type: "finish", messageMetadata: { keyHint: "sk-…abcd", inputTokens: 3, outputTokens: 4 } },
];

/** The chunks as a stream that yields each when asked, and then maybe breaks. */
function source(
  chunks: UIMessageChunk[],
  breakWith?: Error,
): ReadableStream<UIMessageChunk> & { pulled: () => number } {
  let index = 0;
  const stream = new ReadableStream<UIMessageChunk>(
    {
      pull(controller) {
        if (index < chunks.length) controller.enqueue(chunks[index++]!);
        else if (breakWith) controller.error(breakWith);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return Object.assign(stream, { pulled: () => index });
}

const rejected: ChatFailure = { status: "invalid", concernsKey: true, message: "OpenAI rejected this key." };
const quiet = { failure: () => undefined, brokenText: () => "broken", stopped: () => false };

describe("answerBody", () => {
  it("frames every chunk as createUIMessageStreamResponse does, [DONE] included", async () => {
    const ours = await new Response(answerBody(source(ANSWER), quiet).body).text();
    const theirs = await createUIMessageStreamResponse({ stream: source(ANSWER) }).text();
    expect(ours).toBe(theirs);
    expect(ours.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("reads ahead only until the first output, then as the body is read", async () => {
    const parts = source(ANSWER);
    const { body, beforeOutput } = answerBody(parts, quiet);
    expect(await beforeOutput).toBeUndefined();
    expect(parts.pulled()).toBe(4); // start, start-step, text-start, the first text-delta
    expect(await new Response(body).text()).toContain('"delta":"again"');
    expect(parts.pulled()).toBe(ANSWER.length);
  });

  it("an error part before any output settles on the answer's failure", async () => {
    const failed: UIMessageChunk[] = [
      { type: "start" },
      { type: "error", errorText: '{"status":"invalid"}' },
      { type: "finish" },
    ];
    const { beforeOutput } = answerBody(source(failed), { ...quiet, failure: () => rejected });
    expect(await beforeOutput).toBe(rejected);
  });

  it("a stream that breaks ends with an error part and [DONE]; before output, the failure settles", async () => {
    let failure: ChatFailure | undefined;
    const broken = answerBody(source(ANSWER.slice(0, 3), new Error("socket hang up")), {
      failure: () => failure,
      brokenText: (error) => {
        failure = { status: "unreachable", concernsKey: true, message: String(error) };
        return "cut";
      },
      stopped: () => false,
    });
    expect(await broken.beforeOutput).toMatchObject({ status: "unreachable", message: "Error: socket hang up" });
    const text = await new Response(broken.body).text();
    expect(text.endsWith(`data: ${JSON.stringify({ type: "error", errorText: "cut" })}\n\ndata: [DONE]\n\n`)).toBe(
      true,
    );
  });

  it("a break after a stop by the client is no failure: no error part, brokenText never asked", async () => {
    let asked = false;
    const stopped = answerBody(source(ANSWER.slice(0, 3), new Error("aborted")), {
      failure: () => undefined,
      brokenText: () => ((asked = true), "cut"),
      stopped: () => true,
    });
    expect(await stopped.beforeOutput).toBeUndefined();
    expect(await new Response(stopped.body).text()).not.toContain('"type":"error"');
    expect(asked).toBe(false);
  });
});
