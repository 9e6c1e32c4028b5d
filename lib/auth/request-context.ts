import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { AppError } from "@/lib/errors";

/**
 * What next-auth's callbacks and events need from their request that next-auth does not hand them: the trusted
 * client address, the device cookie, whether the site is https, a place for cookies to add to the answer
 * (authorize() cannot set any), and a failure next-auth would otherwise swallow (it logs an error thrown by
 * events.signOut and signs the browser out anyway). lib/api/next-auth-route.ts runs next-auth inside it.
 */
export interface AuthRequestContext {
  clientAddress: string;
  deviceCookie: string | undefined;
  secure: boolean;
  /** Set-Cookie header values the wrapper adds to the answer. */
  setCookies: string[];
  /** When set, the wrapper answers with this error instead of next-auth's answer. */
  failure?: unknown;
  /** Why authorize() could not decide (a lockout, the database): next-auth passes on only a message. */
  signInFailure?: AppError;
}

const storage = new AsyncLocalStorage<AuthRequestContext>();

export function runWithAuthContext<T>(context: AuthRequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function authContext(): AuthRequestContext {
  const context = storage.getStore();
  if (!context) throw new Error("next-auth ran outside its route (lib/api/next-auth-route.ts).");
  return context;
}
