import { APICallError } from "ai";
import type { ChatFailureView } from "@/lib/validation/chat";

/**
 * What a failed playground answer means for the key, read from the AI SDK's error: the provider's HTTP status
 * when it answered, otherwise how the connection failed. The message is our own sentence; the provider's words
 * are never repeated (some echo the key), and neither is the request URL (Google's can carry it).
 */
export interface ChatFailure extends ChatFailureView {
  /** Whether the failure says something about the key, so its health is updated (a bad model name does not). */
  concernsKey: boolean;
  /** The provider's HTTP status, when it answered. */
  httpStatus?: number;
}

/** A 400 that is really a rejected key: Google (API_KEY_INVALID) and xAI answer a bad key with 400. */
const KEY_REJECTED_400 = /API_KEY_INVALID|API key not valid|Incorrect API key|invalid[ _-]?api[ _-]?key/i;

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * A provider's answer with an error status, for an answer that had not begun: what it means for the key. The
 * provider's words (`body`) are only looked at, never repeated.
 */
export function classifyProviderStatus(httpStatus: number, body: string, { name }: { name: string }): ChatFailure {
  if (httpStatus === 401 || httpStatus === 403 || (httpStatus === 400 && KEY_REJECTED_400.test(body))) {
    return {
      status: "invalid",
      concernsKey: true,
      httpStatus,
      message: `${name} rejected your key (HTTP ${httpStatus}). Replace it in Settings.`,
    };
  }
  if (httpStatus === 429 || httpStatus === 402) {
    return {
      status: "limited",
      concernsKey: true,
      httpStatus,
      message: `${name} is limiting your key (HTTP ${httpStatus}: a rate limit, or out of credit). Wait a moment, or check your plan with ${name}.`,
    };
  }
  if (httpStatus >= 500) {
    return {
      status: "unreachable",
      concernsKey: true,
      httpStatus,
      message: `${name} failed to answer (HTTP ${httpStatus}). Try again in a moment.`,
    };
  }
  // 400, 404, 422…: the request (the model, most often), not the key.
  return {
    status: "unreachable",
    concernsKey: false,
    httpStatus,
    message: `${name} refused the request (HTTP ${httpStatus}). Check the model name, or pick another model.`,
  };
}

export function classifyChatFailure(
  error: unknown,
  provider: { name: string },
  options: { timeoutMs: number },
): ChatFailure {
  const { name } = provider;
  // A 2xx here is an answer that began and then broke (the SDK's "Failed to process successful response").
  if (
    APICallError.isInstance(error) &&
    error.statusCode !== undefined &&
    (error.statusCode < 200 || error.statusCode >= 300)
  ) {
    return classifyProviderStatus(error.statusCode, error.responseBody ?? "", provider);
  }
  const cause = APICallError.isInstance(error) ? error.cause : error;
  const err = (cause ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; name?: string };
  };
  if (err.name === "TimeoutError" || /TIMEOUT/.test(err.code ?? err.cause?.code ?? "")) {
    return {
      status: "unreachable",
      concernsKey: true,
      message: `${name} did not start answering within ${seconds(options.timeoutMs)}. Try again in a moment.`,
    };
  }
  if (APICallError.isInstance(error) && error.statusCode === undefined) {
    return {
      status: "unreachable",
      concernsKey: true,
      message: `Couldn't reach ${name}. Check your connection, or try again in a moment.`,
    };
  }
  // After the answer began: the connection dropped (undici's "terminated"), or the stream made no sense.
  return {
    status: "unreachable",
    concernsKey: true,
    message: `The connection to ${name} broke off before the answer was complete. Try again.`,
  };
}

/** The error part's `errorText`: JSON the playground reads back (lib/client/chat-error.ts). */
export function chatErrorText(failure: ChatFailureView): string {
  return JSON.stringify({ status: failure.status, message: failure.message });
}
