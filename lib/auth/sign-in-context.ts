import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What a sign-in needs from its request that next-auth does not hand to `authorize()`: the trusted client
 * address, the device cookie, whether the site is https, and a place to put cookies for the answer (authorize
 * cannot set any). lib/auth/next-auth-route.ts runs next-auth inside it.
 */
export interface SignInContext {
  clientAddress: string;
  deviceCookie: string | undefined;
  secure: boolean;
  /** Set-Cookie header values the wrapper adds to the answer. */
  setCookies: string[];
}

const storage = new AsyncLocalStorage<SignInContext>();

export function runWithSignInContext<T>(context: SignInContext, work: () => T): T {
  return storage.run(context, work);
}

export function signInContext(): SignInContext {
  const context = storage.getStore();
  if (!context) throw new Error("A sign-in ran outside the next-auth route (lib/auth/next-auth-route.ts).");
  return context;
}
