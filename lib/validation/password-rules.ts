/**
 * The rules a new password must meet, without zod, so the browser bundle can apply them too; the server's schema
 * (lib/validation/auth.ts) uses the same limits and sentences.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

export const PASSWORD_MESSAGES = {
  missing: "Enter a password.",
  current: "Enter your password.",
  short: `Use at least ${PASSWORD_MIN} characters.`,
  long: `Use at most ${PASSWORD_MAX} characters.`,
} as const;

/** What is wrong with a new password, or null. */
export function newPasswordProblem(value: string): string | null {
  if (value === "") return PASSWORD_MESSAGES.missing;
  if (value.length < PASSWORD_MIN) return PASSWORD_MESSAGES.short;
  if (value.length > PASSWORD_MAX) return PASSWORD_MESSAGES.long;
  return null;
}
