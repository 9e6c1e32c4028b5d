/**
 * The rules of a custom endpoint the browser applies too, without zod (lib/validation/endpoints.ts calls the
 * same functions). Whether a base URL may be reached is the server's to say (lib/net/endpoint-url.ts).
 */
import { nameProblem } from "./label-rules";

export { MAX_ENDPOINTS_PER_USER } from "./endpoint-limit";
export const MAX_ENDPOINT_NAME_LENGTH = 40;
export const MAX_BASE_URL_LENGTH = 2048;

export const ENDPOINT_MESSAGES = {
  nameBlank: "Enter a name.",
  nameTooLong: `Use at most ${MAX_ENDPOINT_NAME_LENGTH} characters.`,
  nameControl: "The name contains control characters (such as a line break).",
  urlBlank: "Enter the endpoint's base URL, such as https://api.example.com/v1.",
  urlTooLong: `That URL is too long (${MAX_BASE_URL_LENGTH} characters at most).`,
} as const;

/** The first rule a name breaks (after trimming), or null. */
export function endpointNameProblem(value: string): string | null {
  const { nameControl: control, nameBlank: blank, nameTooLong: tooLong } = ENDPOINT_MESSAGES;
  return nameProblem(value, MAX_ENDPOINT_NAME_LENGTH, { control, blank, tooLong });
}

/** The first rule a base URL breaks before the server judges it, or null. */
export function baseUrlProblem(value: string): string | null {
  const url = value.trim();
  if (url.length === 0) return ENDPOINT_MESSAGES.urlBlank;
  if (url.length > MAX_BASE_URL_LENGTH) return ENDPOINT_MESSAGES.urlTooLong;
  return null;
}
