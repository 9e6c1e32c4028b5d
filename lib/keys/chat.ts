import "server-only";
import { generateId, streamText, type TextStreamPart, type ToolSet, UI_MESSAGE_STREAM_HEADERS } from "ai";
import { sessionEnded } from "@/lib/auth/session";
import { inBackground } from "@/lib/background";
import { startChat } from "@/lib/db/chat-start";
import { stampKeyUse } from "@/lib/db/keys-for-use";
import type { ProviderRecord } from "@/lib/db/providers";
import { AppError, EndpointNotAllowedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { createGuardedFetch } from "@/lib/net/outbound";
import { createEndpointProvider, createProviderFromRegistry } from "@/lib/providers/ai-sdk";
import { type ChatFailure, chatErrorText, classifyChatFailure } from "@/lib/providers/chat-failure";
import { createChatFetch } from "@/lib/providers/chat-fetch";
import { providerTimeoutMs } from "@/lib/providers/provider-get";
import { assertWithinChatLimit, chatCounter } from "@/lib/rate-limits";
import type { ChatMetadata, ChatRequest } from "@/lib/validation/chat";
import { recordKeyHealth } from "./health";
import { recordKeyUsage } from "./usage";
import { answerBody } from "./answer-body";
import { withKeyFallback } from "./fallback";
import { type KeyForUse, noUsableKeyError, openKeysForUse } from "./vault";

/**
 * The playground's answer (POST /api/chat): the user's own usable keys for the provider they picked, in their order
 * (streamChat below), and nothing else; the AI SDK's `streamText`, answered as its UI message stream, which `useChat` reads. The client's
 * disconnect aborts the provider request (its signal is passed through). When the answer ends, one record: usage
 * and health ok when it finished; a failure classified (lib/providers/chat-failure.ts), counted as an error and
 * recorded as the key's health; a stop by the user counted as a request, neither success nor failure of the key.
 */

/** How long a custom endpoint may stream one answer through the outbound guard (which bounds the whole exchange). */
const ENDPOINT_STREAM_TIMEOUT_MS = 10 * 60 * 1000;
/** An answer larger than this from a custom endpoint is cut off. */
const ENDPOINT_STREAM_MAX_BYTES = 32 << 20;

/**
 * What the answer needs before its provider is asked, from ONE statement (lib/db/chat-start.ts): the session is
 * live (401), the chat limit spent (429), the provider (404), its usable keys in the user's order, opened (409
 * api_key_undecryptable when none can be), or why there is none (409 disabled or expired, 404 none).
 */
async function begin(userId: string, sessionId: string, providerId: string): Promise<{ provider: ProviderRecord; keys: KeyForUse[] }> {
  const start = await startChat(userId, sessionId, providerId, chatCounter(userId));
  if (!start.live || !start.limit) throw sessionEnded();
  assertWithinChatLimit(start.limit);
  const provider = start.provider;
  if (!provider) throw new AppError("provider_not_found", "There is no such provider.");
  const keys = await openKeysForUse({ userId, providerId: provider.id }, start.keys);
  if (keys.length > 0) return { provider, keys };
  throw await noUsableKeyError(userId, provider, {
    disabled: `Your ${provider.name} API key is disabled or expired. Enable it in Settings (/settings) to chat with it.`,
    missing: `You have no ${provider.name} API key. Add one in Settings (/settings) to chat with ${provider.name}.`,
  });
}

function modelFor(provider: ProviderRecord, apiKey: string, modelId: string, timeoutMs: number) {
  if (provider.registryId === "custom") {
    // A user-chosen address: through the outbound guard, with a bound long enough for a whole answer to stream.
    const fetch = createGuardedFetch({ timeoutMs: ENDPOINT_STREAM_TIMEOUT_MS, maxBytes: ENDPOINT_STREAM_MAX_BYTES });
    return createEndpointProvider(provider, apiKey, fetch).languageModel(modelId);
  }
  return createProviderFromRegistry(provider.registryId, apiKey, { fetch: createChatFetch(timeoutMs) }).languageModel(modelId);
}

/** A header value must be Latin-1; a mask is ASCII unless the key was not. */
const headerSafe = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value));

/**
 * The answer, from the user's keys in their order: when one is rejected, limited or unreachable before any
 * output, the next is tried (unless the user chose "Always use my first key"); once output has begun, never. Each
 * key tried has its failure counted and its health recorded; the key that served is the one reported
 * (X-Key-Hint, the metadata) and counted. When every key failed, the last one's answer ends with its error part.
 */
export async function streamChat(userId: string, sessionId: string, input: ChatRequest, signal: AbortSignal): Promise<Response> {
  const started = performance.now();
  const { provider, keys } = await begin(userId, sessionId, input.providerId);
  const asked = performance.now();
  const timeoutMs = providerTimeoutMs();
  const answers: Answer[] = [];
  const outcome = await withKeyFallback(keys, async (key, index) => {
    const answer = startAnswer(userId, provider, key, input, signal, timeoutMs);
    answers.push(answer);
    const failure = await answer.beforeOutput;
    if (!failure) {
      if (index > 0) inBackground(stampKeyUse(userId, key.id)); // the first was stamped when the keys were read
      return { ok: true, value: answer };
    }
    return { ok: false, status: failure.status, message: failure.message, final: !failure.concernsKey || signal.aborted };
  });
  const response = outcome.ok ? outcome.value.response : answers.at(-1)!.response;
  // The answers of keys that failed before any output are dropped: their streams are let go of.
  for (const answer of answers) if (answer.response !== response) void answer.response.body?.cancel();
  response.headers.set("Server-Timing", serverTiming({ db: asked - started, provider: performance.now() - asked }));
  return response;
}

/**
 * Where the time before the answer's first byte went (the standard Server-Timing header; browsers show it in
 * their network panel, the streaming bench reads it): `db`, the one statement before the provider is asked;
 * `provider`, from asking it to its first output, over every key tried.
 */
const serverTiming = (durations: Record<string, number>) =>
  Object.entries(durations)
    .map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`)
    .join(", ");

interface Answer {
  response: Response;
  /** The failure before any output; undefined once the answer has begun. */
  beforeOutput: Promise<ChatFailure | undefined>;
}

function startAnswer(userId: string, provider: ProviderRecord, key: KeyForUse, input: ChatRequest, signal: AbortSignal, timeoutMs: number): Answer {
  const checked = { userId, providerId: provider.id, encryptedKey: key.sealed, id: key.id };

  let failure: ChatFailure | undefined;
  let recorded = false;
  const record = (work: () => Promise<unknown>) => {
    if (recorded) return;
    recorded = true;
    inBackground(
      work().catch((error: unknown) => log.error({ scope: "chat", err: error }, "could not record a playground answer's usage or health")),
    );
  };
  const classify = (error: unknown): ChatFailure =>
    error instanceof EndpointNotAllowedError
      ? { status: "unreachable", concernsKey: false, message: error.message }
      : classifyChatFailure(error, provider, { timeoutMs });
  /** The first failure decides: classified, logged, counted as an error, and the key's health when it concerns the key. */
  const fail = (error: unknown): ChatFailure => {
    if (failure) return failure;
    const seen = (failure = classify(error));
    log.warn({ scope: "chat", provider: provider.registryId, status: seen.status, httpStatus: seen.httpStatus }, "a playground answer failed");
    record(async () => {
      await recordKeyUsage(userId, key.id, { failed: true });
      if (seen.concernsKey) await recordKeyHealth(checked, { status: seen.status, message: seen.message }, "chat");
    });
    return seen;
  };

  const result = streamText({
    model: modelFor(provider, key.apiKey, input.model, timeoutMs),
    messages: input.messages,
    abortSignal: signal,
    // One request per message: a retry would spend the user's quota on an answer they did not ask for twice.
    maxRetries: 0,
    onFinish: ({ totalUsage }) => {
      if (failure || signal.aborted) return;
      record(async () => {
        await recordKeyUsage(userId, key.id, { inputTokens: totalUsage.inputTokens, outputTokens: totalUsage.outputTokens });
        await recordKeyHealth(checked, { status: "valid", message: `${provider.name} answered a playground message with this key.` }, "chat");
      });
    },
    onError: ({ error }) => {
      if (!signal.aborted) fail(error);
    },
    onAbort: () => record(() => recordKeyUsage(userId, key.id, {})),
  });

  const metadata = (part: TextStreamPart<ToolSet>): ChatMetadata | undefined => {
    if (part.type === "start") return { keyHint: key.keyHint, model: input.model };
    if (part.type === "finish") {
      return { keyHint: key.keyHint, model: input.model, inputTokens: part.totalUsage.inputTokens, outputTokens: part.totalUsage.outputTokens };
    }
    return undefined;
  };

  const errorText = (error: unknown) => chatErrorText(fail(error));
  const { body, beforeOutput } = answerBody(
    result.toUIMessageStream({ messageMetadata: ({ part }) => metadata(part), onError: errorText, generateMessageId: generateId }),
    { failure: () => failure, brokenText: errorText, stopped: () => signal.aborted },
  );
  const response = new Response(body, {
    headers: {
      ...UI_MESSAGE_STREAM_HEADERS,
      "x-key-hint": headerSafe(key.keyHint),
      // no-transform: a compressing proxy (or Next's own compression) would otherwise hold chunks back.
      "cache-control": "no-store, no-transform",
    },
  });
  return { response, beforeOutput };
}
