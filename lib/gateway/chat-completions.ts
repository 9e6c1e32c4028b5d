import "server-only";
import { estimateTokens } from "@/lib/spend/estimate";
import { serveGatewayAnswer } from "./answer";
import { tokenHashOf, unauthenticatedFirst } from "./auth";
import { readJsonObject } from "./body";
import { checkChatRequest, conversationSize } from "./chat-request";
import { gatewayErrorResponse } from "./errors";
import { splitModelName } from "./model-name";
import { passThrough } from "./passthrough";
import { toModelMessages } from "./model-messages";
import { translate } from "./translate";
import { chatCompletionsUpstream } from "./upstream";

/** Providers whose API is not OpenAI's: their answers are translated (lib/gateway/translate.ts). */
const TRANSLATED = new Set(["anthropic", "google"]);

/** The request read and checked: 413, or 400 naming the field, before anything is spent. */
async function parse(request: Request) {
  const body = await readJsonObject(request);
  const chat = checkChatRequest(body);
  const { prefix, model } = splitModelName(chat.model);
  const translated = TRANSLATED.has(prefix);
  if (translated) toModelMessages(chat.messages); // a request it cannot translate is a 400 before anything is spent
  const stream = chat.stream === true;
  const hideUsageChunk = stream && chat.stream_options?.include_usage !== true;
  const payload = {
    ...body,
    model,
    ...(hideUsageChunk ? { stream_options: { ...(chat.stream_options ?? {}), include_usage: true } } : {}),
  };
  const size = conversationSize(chat.messages);
  const estimate = estimateTokens(size.characters, size.messages, chat.max_completion_tokens ?? chat.max_tokens);
  return { chat, prefix, model, translated, stream, hideUsageChunk, payload, estimate };
}

/**
 * POST /api/v1/chat/completions: the OpenAI Chat Completions API over the user's own keys. OpenAI-compatible
 * providers get the request as sent with the model replaced, and `stream_options.include_usage` added when a
 * streamed request did not ask for it (the gateway needs the usage; the chunk that carries it is then not shown to
 * the caller); Anthropic and Google are translated.
 */
export async function chatCompletions(request: Request): Promise<Response> {
  try {
    const tokenHash = tokenHashOf(request);
    const { chat, prefix, model, translated, stream, hideUsageChunk, payload, estimate } = await parse(request).catch(
      (error: unknown) => unauthenticatedFirst(tokenHash, error),
    );
    return await serveGatewayAnswer({
      tokenHash,
      prefix,
      model,
      estimate,
      signal: request.signal,
      attempt: (provider, key, timeoutMs) =>
        translated
          ? translate(chat, {
              provider,
              apiKey: key.apiKey,
              model,
              name: chat.model,
              signal: request.signal,
              timeoutMs,
            })
          : passThrough(chatCompletionsUpstream(provider, key, timeoutMs), payload, {
              stream,
              hideUsageChunk,
              provider,
              apiKey: key.apiKey,
              signal: request.signal,
              timeoutMs,
            }),
    });
  } catch (error) {
    return gatewayErrorResponse("openai", error, "POST /api/v1/chat/completions");
  }
}
