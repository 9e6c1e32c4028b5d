/**
 * The rules a pasted key must meet, without zod, so the browser bundle can apply them too; the server's schema
 * (lib/validation/api-keys.ts) calls the same function.
 */
import { CONTROL_CHARACTERS } from "./label-rules";

export { LABEL_MESSAGES, labelProblem, MAX_LABEL_LENGTH, nameProblem } from "./label-rules";

export const MAX_API_KEY_LENGTH = 1024;

// Every provider's keys are printable ASCII without spaces; anything else (a smart quote, an ellipsis, a space
// in the middle) came from a copy that went wrong, and could not even be sent in an HTTP header.
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

export const KEY_MESSAGES = {
  control: "The key contains control characters (such as a line break). Paste it again.",
  characters:
    "API keys contain only letters, digits and simple symbols; this one has spaces or other characters. Paste it again.",
  blank: "Enter an API key.",
  tooLong: `That is too long to be an API key (${MAX_API_KEY_LENGTH} characters at most).`,
} as const;

/** The first rule a key breaks, or null. */
export function apiKeyProblem(value: string): string | null {
  if (CONTROL_CHARACTERS.test(value)) return KEY_MESSAGES.control;
  const trimmed = value.trim();
  if (trimmed.length === 0) return KEY_MESSAGES.blank;
  if (trimmed.length > MAX_API_KEY_LENGTH) return KEY_MESSAGES.tooLong;
  if (!KEY_CHARACTERS.test(trimmed)) return KEY_MESSAGES.characters;
  return null;
}

// An ISO 8601 date and time with a zone (Z or an offset), as `Date.toISOString()` and `<input>` values give.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The problem with an expiry date, or null: unparseable, or not in the future. */
export function expiryProblem(value: string, now: Date = new Date()): string | null {
  const time = ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    return "expiresAt must be an ISO 8601 date and time with its zone, e.g. 2027-01-31T00:00:00Z.";
  if (time <= now.getTime()) return "expiresAt must be in the future.";
  return null;
}
