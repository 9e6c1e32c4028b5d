/**
 * The rules of short names (a key's label, an endpoint's name), without zod: their own module because the settings
 * page's inline rename needs only these, and every byte of its eager JavaScript counts (the page has a budget);
 * key-rules.ts re-exports them.
 */

// Control characters (NUL, CR, LF, TAB, DEL…) never belong in a key or a name; they are how header injection starts.
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export const MAX_LABEL_LENGTH = 40;

export const LABEL_MESSAGES = {
  blank: "Enter a label.",
  tooLong: `A label has ${MAX_LABEL_LENGTH} characters at most.`,
  control: "A label cannot contain control characters (such as a line break).",
} as const;

/**
 * The first rule a short name (a key's label, an endpoint's name) breaks, or null: no control characters, not
 * blank once trimmed, at most `max` characters (code points, so an emoji counts once).
 */
export function nameProblem(
  value: string,
  max: number,
  messages: { control: string; blank: string; tooLong: string },
): string | null {
  if (CONTROL_CHARACTERS.test(value)) return messages.control;
  const trimmed = value.trim();
  if (trimmed.length === 0) return messages.blank;
  if ([...trimmed].length > max) return messages.tooLong;
  return null;
}

/** The first rule a key's label breaks, or null. */
export function labelProblem(value: string): string | null {
  return nameProblem(value, MAX_LABEL_LENGTH, LABEL_MESSAGES);
}
