import { safeReturnPath } from "@/lib/domain/safe-redirect";

/**
 * A path of this site for a path or an absolute URL of this site (`origin`), by the rule of the login page
 * (lib/domain/safe-redirect.ts); anything else is /settings. Never throws.
 */
export function sameSitePath(url: string, origin: string): string {
  let path = url;
  try {
    const parsed = new URL(url);
    if (parsed.origin === new URL(origin).origin) path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    // not an absolute URL: judged as a path below
  }
  return safeReturnPath(path);
}

/**
 * next-auth's `callbacks.redirect`: where to go after signing in or out, always on this site. next-auth's default
 * parses with `new URL()` and answered 500 for values such as "\\evil.example", and one holding a newline broke
 * the Set-Cookie header it writes the value into.
 */
export function redirectAfterAuth({ url, baseUrl }: { url: string; baseUrl: string }): string {
  return `${baseUrl.replace(/\/+$/, "")}${sameSitePath(url, baseUrl)}`;
}
