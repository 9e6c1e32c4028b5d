const FALLBACK = "/settings";

/**
 * Only paths on this site may be returned to after sign-in; anything else goes to /settings. Parsing decides,
 * not prefix checks, and the decision is made on the parsed result: browsers drop tabs and newlines from URLs
 * ("/\t/evil" becomes "//evil"), and dot segments collapse ("/.//evil", "/%2e//evil" become "//evil"), so a
 * path that starts with "//" or "/\" after parsing is another host to a browser, whatever its origin says here.
 */
export function safeReturnPath(value: string | string[] | undefined | null): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(path)) return FALLBACK;
  const base = "http://same.invalid";
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== base || /^\/[\\/]/.test(url.pathname)) return FALLBACK;
  return `${url.pathname}${url.search}${url.hash}`;
}
