import "server-only";
import { z } from "zod";
import { estimateTokens } from "@/lib/spend/estimate";
import { serveGatewayAnswer } from "./answer";
import { tokenHashOf, unauthenticatedFirst } from "./auth";
import { readJsonObject } from "./body";
import { checked, conversationSize } from "./chat-request";
import { gatewayErrorResponse } from "./errors";
import { splitModelName } from "./model-name";
import { passThrough } from "./passthrough";
import { messagesUpstream } from "./upstream";

/**
 * POST /api/v1/messages: Anthropic's Messages API over the user's Anthropic keys, passed through (the model named
 * as Anthropic names it, or as `anthropic/<model>`), so the Anthropic SDK and the tools built on it work with the
 * base URL `<site>/api`. The body is checked for what the gateway reads; Anthropic judges the rest.
 */
const messagesSchema = z.looseObject({
  model: z.string({ error: "must be a model name" }).min(1, { error: "must be a model name" }),
  messages: z
    .array(z.looseObject({ role: z.string({ error: "must be user or assistant" }) }), {
      error: "must be a list of messages",
    })
    .min(1, {
      error: "must hold at least one message",
    }),
  max_tokens: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .positive({ error: "must be at least 1" }),
  stream: z.boolean({ error: "must be true or false" }).nullable().optional(),
});

/** The request read and checked: 413, or 400 naming the field, before anything is spent. */
async function parse(request: Request) {
  const body = await readJsonObject(request);
  const message = checked(messagesSchema, body);
  const { model } = splitModelName(
    message.model.startsWith("anthropic/") ? message.model : `anthropic/${message.model}`,
  );
  const size = conversationSize([...message.messages, { content: (body as { system?: unknown }).system ?? "" }]);
  return {
    model,
    payload: { ...body, model },
    stream: message.stream === true,
    estimate: estimateTokens(size.characters, size.messages, message.max_tokens),
  };
}

export async function anthropicMessages(request: Request): Promise<Response> {
  try {
    const tokenHash = tokenHashOf(request);
    const { model, payload, stream, estimate } = await parse(request).catch((error: unknown) =>
      unauthenticatedFirst(tokenHash, error),
    );
    return await serveGatewayAnswer({
      tokenHash,
      prefix: "anthropic",
      model,
      estimate,
      signal: request.signal,
      attempt: (provider, key, timeoutMs) =>
        passThrough(messagesUpstream(provider, key, timeoutMs, request.headers), payload, {
          stream,
          hideUsageChunk: false,
          provider,
          apiKey: key.apiKey,
          signal: request.signal,
          timeoutMs,
        }),
    });
  } catch (error) {
    return gatewayErrorResponse("anthropic", error, "POST /api/v1/messages");
  }
}
