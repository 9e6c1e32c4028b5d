import "server-only";
import type { User } from "next-auth";
import { createSession } from "@/lib/db/sessions";
import { getUserCredentials, normaliseEmail } from "@/lib/db/users";
import { AppError, isAppError } from "@/lib/errors";
import { logFailure } from "@/lib/failure-log";
import { countSignInAttempt, forgive } from "@/lib/rate-limits";
import { signInSchema } from "@/lib/validation/auth";
import { deviceCookieHeader, deviceNonce } from "./device-cookie";
import { verifyPassword } from "./password";
import { SESSION_MAX_AGE } from "./session-age";
import { authContext } from "./request-context";

/**
 * The credentials provider's `authorize()`. The attempt is counted BEFORE the password is checked, atomically,
 * so a burst of parallel guesses cannot all slip through; a browser holding a valid device cookie for the
 * account is counted on that cookie's own budget instead of the account's. Right password: the point is given
 * back, a session row is created (its id goes into the token: lib/auth/options.ts) and the browser gets a fresh
 * device cookie.
 */
export async function authorizeCredentials(credentials: Record<string, string> | undefined): Promise<User | null> {
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const email = normaliseEmail(parsed.data.email);
  const context = authContext();
  try {
    const counted = await countSignInAttempt({
      email,
      clientAddress: context.clientAddress,
      deviceNonce: deviceNonce(context.deviceCookie, email),
    });
    const user = await getUserCredentials(email);
    // An unknown email is verified against a dummy hash: it takes as long as a wrong password.
    const right = await verifyPassword(user?.passwordHash ?? null, parsed.data.password);
    if (!user || !right) return null;
    await forgive(counted);
    const sessionId = await createSession(user.id, SESSION_MAX_AGE);
    context.setCookies.push(deviceCookieHeader(email, context.secure));
    return { id: user.id, email: user.email, name: user.name, sessionId };
  } catch (error) {
    logFailure("auth", "sign-in", error); // next-auth itself would log nothing: a failed sign-in is a 401 to it
    // next-auth hands a thrown message to the sign-in form; only our own sentences may go there. The error
    // itself stays in the context, for the form post without JavaScript (lib/api/form-sign-in.ts).
    context.signInFailure = isAppError(error)
      ? error
      : new AppError("internal_error", "Sign-in is unavailable right now. Please try again.");
    throw new Error(context.signInFailure.message);
  }
}
