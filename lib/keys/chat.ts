import "server-only";
import { openAnswerKeys } from "./answer-keys";
import { randomUUID } from "node:crypto";
import { generateId, streamText, type TextStreamPart, type ToolSet, UI_MESSAGE_STREAM_HEADERS } from "ai";
import { sessionEnded } from "@/lib/auth/session";
import { inBackground } from "@/lib/background";
import { type HoldRequest, holdOnKey, type KeyForAnswer } from "@/lib/db/answer-keys";
import { startChat } from "@/lib/db/chat-start";
import { stampKeyUse } from "@/lib/db/keys-for-use";
import { builtInRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";
import { answerModel } from "@/lib/providers/answer-fetch";
import { type ChatFailure, chatErrorText } from "@/lib/providers/chat-failure";
import { providerTimeoutMs } from "@/lib/providers/provider-get";
import { assertWithinChatLimit, chatCounter } from "@/lib/rate-limits";
import { keyBudgetExceeded } from "@/lib/spend/budget-error";
import { cataloguePrice } from "@/lib/spend/catalogue";
import { estimateTokens } from "@/lib/spend/estimate";
import type { ChatMetadata, ChatRequest } from "@/lib/validation/chat";
import { answerBody } from "./answer-body";
import { answerCostOf, answerRecord, type Spend } from "./chat-record";
import { withKeyFallback } from "./fallback";
import { type KeyForUse, noUsableKeyError } from "./vault";

/**
 * The playground's answer (POST /api/chat): the user's own usable keys for the provider they picked, in their order
 * (streamChat below), and nothing else; the AI SDK's `streamText`, answered as its UI message stream, which `useChat` reads. The client's
 * disconnect aborts the provider request (its signal is passed through). When the answer ends, one record: usage
 * and health ok when it finished; a failure classified (lib/providers/chat-failure.ts), counted as an error and
 * recorded as the key's health; a stop by the user counted as a request, neither success nor failure of the key.
 */

/** What the answer holds against hard budgets while it runs: an estimate from the conversation (lib/spend/estimate.ts). */
async function holdFor(input: ChatRequest): Promise<HoldRequest> {
  const registryId = await builtInRegistryId(input.providerId);
  const characters = input.messages.reduce((n, m) => n + m.content.length, 0);
  const estimate = estimateTokens(characters, input.messages.length);
  const catalogue = registryId ? cataloguePrice(registryId, input.model, estimate.inputTokens) : null;
  return { id: randomUUID(), model: input.model, ...estimate, catalogue };
}

/**
 * What the answer needs before its provider is asked, from ONE statement (lib/db/chat-start.ts): the session is
 * live (401), the chat limit spent (429), the provider (404), its usable keys in the user's order with their budgets
 * (402 when every one has reached its hard budget), opened (409 api_key_undecryptable when none can be), or why
 * there is none (409 disabled or expired, 404 none).
 */
async function begin(
  userId: string,
  sessionId: string,
  input: ChatRequest,
): Promise<{ provider: ProviderRecord; keys: KeyForUse[]; budgets: Map<string, KeyForAnswer>; spend: Spend }> {
  const hold = await holdFor(input);
  const start = await startChat(userId, sessionId, input.providerId, chatCounter(userId), hold);
  if (!start.live || !start.limit) throw sessionEnded();
  assertWithinChatLimit(start.limit);
  const provider = start.provider;
  if (!provider) throw new AppError("provider_not_found", "There is no such provider.");
  const affordable = start.keys.filter((key) => !key.overBudget);
  if (start.keys.length > 0 && affordable.length === 0) throw keyBudgetExceeded(provider.name, start.keys);
  const keys = await openAnswerKeys(userId, provider, affordable, hold.id); // 400 for a refused endpoint, 503 KEK
  const spend = { model: input.model, pricing: start.pricing, holdId: hold.id };
  if (keys.length > 0) return { provider, keys, budgets: new Map(affordable.map((key) => [key.id, key])), spend };
  throw await noUsableKeyError(userId, provider, {
    disabled: `Your ${provider.name} API key is disabled or expired. Enable it in Settings (/settings) to chat with it.`,
    missing: `You have no ${provider.name} API key. Add one in Settings (/settings) to chat with ${provider.name}.`,
  });
}

/** A header value must be Latin-1; a mask is ASCII unless the key was not. */
const headerSafe = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value));

/**
 * The answer, from the user's keys in their order: when one is rejected, limited or unreachable before any
 * output, the next is tried (unless the user chose "Always use my first key"); once output has begun, never. Each
 * key tried has its failure counted and its health recorded; the key that served is the one reported
 * (X-Key-Hint, the metadata) and counted. When every key failed, the last one's answer ends with its error part.
 */
export async function streamChat(
  userId: string,
  sessionId: string,
  input: ChatRequest,
  signal: AbortSignal,
): Promise<Response> {
  const started = performance.now();
  const { provider, keys, budgets, spend } = await begin(userId, sessionId, input);
  const asked = performance.now();
  const timeoutMs = providerTimeoutMs();
  const answers: Answer[] = [];
  const spent: KeyForAnswer[] = [];
  const outcome = await withKeyFallback(keys, async (key) => {
    // A later key with a hard budget is held only when its turn comes (the statement held the first that could serve).
    const budget = budgets.get(key.id)!;
    const heldNow = budget.hard && !budget.held;
    if (heldNow && !(await holdOnKey(userId, key.id, spend.holdId, spend.pricing.holdMicroUsd))) {
      spent.push(budget);
      return { ok: false, status: "limited", message: "This key's monthly budget is spent." };
    }
    const answer = startAnswer(userId, provider, key, input, signal, timeoutMs, spend);
    answers.push(answer);
    const failure = await answer.beforeOutput;
    if (!failure) {
      // The key the statement held, or one held just now, is stamped already.
      if (!budget.held && !heldNow) inBackground(stampKeyUse(userId, key.id));
      return { ok: true, value: answer };
    }
    return {
      ok: false,
      status: failure.status,
      message: failure.message,
      final: !failure.concernsKey || signal.aborted,
    };
  });
  if (answers.length === 0) throw keyBudgetExceeded(provider.name, spent);
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

function startAnswer(
  userId: string,
  provider: ProviderRecord,
  key: KeyForUse,
  input: ChatRequest,
  signal: AbortSignal,
  timeoutMs: number,
  spend: Spend,
): Answer {
  const cost = answerCostOf(provider, spend);
  const outcome = answerRecord(userId, provider, key, spend, timeoutMs);
  const result = streamText({
    model: answerModel(provider, key.apiKey, input.model, timeoutMs),
    messages: input.messages,
    abortSignal: signal,
    // One request per message: a retry would spend the user's quota on an answer they did not ask for twice.
    maxRetries: 0,
    ...cost.streamOptions,
    onFinish: ({ totalUsage }) => {
      if (!outcome.failure() && !signal.aborted) outcome.finished(totalUsage, cost.of(totalUsage));
    },
    onError: ({ error }) => {
      if (!signal.aborted) outcome.fail(error);
    },
    onAbort: () => outcome.stopped(),
  });

  const metadata = (part: TextStreamPart<ToolSet>): ChatMetadata | undefined => {
    if (part.type === "start") return { keyHint: key.keyHint, model: input.model };
    if (part.type !== "finish") return undefined;
    const { inputTokens, outputTokens } = part.totalUsage;
    return {
      keyHint: key.keyHint,
      model: input.model,
      inputTokens,
      outputTokens,
      costMicroUsd: cost.of(part.totalUsage),
    };
  };
  const errorText = (error: unknown) => chatErrorText(outcome.fail(error));
  const { body, beforeOutput } = answerBody(
    result.toUIMessageStream({
      messageMetadata: ({ part }) => metadata(part),
      onError: errorText,
      generateMessageId: generateId,
    }),
    { failure: outcome.failure, brokenText: errorText, stopped: () => signal.aborted },
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
