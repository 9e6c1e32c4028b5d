/**
 * How many tokens an answer is held for against a hard budget before its provider is asked (lib/db/answer-keys.ts):
 * generous on purpose, since a hold is only a hold (the answer settles at what it cost, and lets go of the rest at
 * once). Input: a token per 3 characters of the conversation plus a few per message (tokenisers give English about
 * 4 characters a token); output: the request's own `max_tokens` when it gives one, else DEFAULT_HELD_OUTPUT_TOKENS.
 * The larger the hold, the fewer answers run at once near the end of a budget; never more than the budget allows.
 */
export const DEFAULT_HELD_OUTPUT_TOKENS = 1_024;
const MAX_HELD_OUTPUT_TOKENS = 128_000;

export interface TokenEstimate {
  inputTokens: number;
  outputTokens: number;
}

export function estimateTokens(characters: number, messages: number, maxOutputTokens?: number | null): TokenEstimate {
  const output =
    maxOutputTokens && maxOutputTokens > 0
      ? Math.min(Math.ceil(maxOutputTokens), MAX_HELD_OUTPUT_TOKENS)
      : DEFAULT_HELD_OUTPUT_TOKENS;
  return { inputTokens: Math.ceil(characters / 3) + 4 * messages, outputTokens: output };
}
