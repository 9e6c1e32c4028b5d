import { PASSWORD_MAX, PASSWORD_MESSAGES, PASSWORD_MIN } from "@/lib/validation/password-rules";
import { waitInWords } from "@/lib/domain/durations";

/**
 * When the sign-in or sign-up form was posted without JavaScript (app/api/auth/login, app/api/auth/register), a
 * failure sends the browser back to its page with a code in the query (`/login?error=rate_limited&retry=900`),
 * never the email, the password or a sentence: the page shows the sentence of its code, so nobody can write text
 * onto the page through a link. next-auth's own `?error=CredentialsSignin` reads the same way. Runs on the server
 * (the pages) and is plain data, no secrets.
 */
const SENTENCES: Record<string, string> = {
  CredentialsSignin: "Incorrect email or password.",
  email_taken: "An account with this email already exists. Sign in instead.",
  invalid_email: "Enter a valid email address.",
  missing_password: PASSWORD_MESSAGES.missing,
  short_password: `Use at least ${PASSWORD_MIN} characters for your password.`,
  long_password: `Use at most ${PASSWORD_MAX} characters for your password.`,
  long_name: "Use at most 100 characters for your name.",
  invalid_body: "A field holds a character that cannot be used (a NUL character). Type it again.",
  payload_too_large: "The form was too large to send.",
  cross_origin: "The form was sent from another site. Fill it in on this page and try again.",
  other_address:
    "You opened this site at another of its addresses, where signing in cannot work. Here is its own address: please try again.",
  database_unavailable: "This service is unavailable right now. Please try again in a moment.",
  internal_error: "Something went wrong on our side. Please try again.",
};

/** A page's fallback for a code it does not know (next-auth's, an old link's). */
export const FALLBACK_SENTENCE = {
  "/login": "Sign-in failed. Please try again.",
  "/register": "Couldn't create your account. Please try again.",
};

export type AuthPage = keyof typeof FALLBACK_SENTENCE;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The sentence a page shows for the `error` (and `retry`, in seconds) of its query; null without an error. */
export function authErrorSentence(
  page: AuthPage,
  error: string | string[] | undefined,
  retry?: string | string[],
): string | null {
  const code = first(error);
  if (!code) return null;
  if (code === "rate_limited") {
    const seconds = Number(first(retry));
    const wait = Number.isFinite(seconds) && seconds > 0 && seconds <= 86_400 ? `in ${waitInWords(seconds)}` : "later";
    return page === "/login"
      ? `Too many sign-in attempts. Try again ${wait}.`
      : `Too many new accounts from your network. Try again ${wait}.`;
  }
  return Object.hasOwn(SENTENCES, code) ? SENTENCES[code]! : FALLBACK_SENTENCE[page];
}

/** Where a failed form post goes back to: its page, the error's code, and the path to return to after signing in. */
export function authPagePath(
  page: AuthPage,
  options: { error?: string; retryAfter?: number; callbackUrl: string; registered?: boolean },
): string {
  const query = new URLSearchParams();
  if (options.registered) query.set("registered", "1");
  if (options.error) query.set("error", options.error);
  if (options.error === "rate_limited" && options.retryAfter) query.set("retry", String(Math.ceil(options.retryAfter)));
  if (options.callbackUrl !== "/settings") query.set("callbackUrl", options.callbackUrl);
  const search = query.toString();
  return search ? `${page}?${search}` : page;
}

/** The code for the first problem of a sign-up form, from the field and the message the shared schema gave it. */
export function registerProblemCode(field: string, message: string): string {
  if (field === "email") return "invalid_email";
  if (field === "name") return "long_name";
  if (field === "password") {
    if (message === PASSWORD_MESSAGES.missing) return "missing_password";
    if (message === PASSWORD_MESSAGES.long) return "long_password";
    return "short_password";
  }
  return "internal_error";
}
