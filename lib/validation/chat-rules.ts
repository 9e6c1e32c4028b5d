/**
 * The playground's limits and shapes, without dependencies: the browser imports these (zod stays out of client
 * bundles); lib/validation/chat.ts builds the request schema on them.
 */

export const MAX_CHAT_MESSAGES = 50;
export const MAX_CHAT_CHARACTERS = 32_000;

/** What the finished answer's metadata carries (the UI message stream's `messageMetadata`). */
export interface ChatMetadata {
  /** The mask of the key that served the answer. */
  keyHint?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** What the answer cost in micro-dollars; null when its model has no price (unpriced). On the finished answer. */
  costMicroUsd?: number | null;
}

/** The error part's text: our classification of the provider's failure, and our sentence (never the provider's). */
export interface ChatFailureView {
  status: "invalid" | "limited" | "unreachable";
  message: string;
}
