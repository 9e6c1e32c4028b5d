/**
 * Only paths on this site may be returned to after sign-in; anything else goes to /settings. Parsing decides,
 * not prefix checks: browsers drop tabs and newlines from URLs, so "/\t/evil.com" would become "//evil.com".
 */
export function safeReturnPath(value: string | string[] | undefined | null): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(path)) return "/settings";
  const base = "http://same.invalid";
  try {
    const url = new URL(path, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : "/settings";
  } catch {
    return "/settings";
  }
}
