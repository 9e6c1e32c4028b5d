import { safeReturnPath } from "@/lib/client/safe-redirect";

/**
 * next-auth's `callbacks.redirect`: where to go after signing in or out. The same rule as the login page
 * (lib/client/safe-redirect.ts), applied to a path or to an absolute URL of this site; anything else is
 * /settings. It never throws: next-auth's default parses with `new URL()` and answered 500 for values such as
 * "\\evil.example", and one holding a newline broke the Set-Cookie header it writes the value into.
 */
export function redirectAfterAuth({ url, baseUrl }: { url: string; baseUrl: string }): string {
  let path = url;
  try {
    const parsed = new URL(url);
    if (parsed.origin === new URL(baseUrl).origin) path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    // not an absolute URL: judged as a path below
  }
  return `${baseUrl.replace(/\/+$/, "")}${safeReturnPath(path)}`;
}
