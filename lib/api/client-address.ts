/**
 * The client's address for per-address limits. `next start` fills X-Forwarded-For with the socket address when
 * the request has none; behind a proxy that appends to it, the last entry is the one our proxy saw. A client
 * talking to Next directly can still put its own header in: per-address limits are a second line, per-account
 * limits the first.
 */
export function clientAddressFromHeaders(headers: Headers | Record<string, string | string[] | undefined>): string {
  const get = (name: string) => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  const forwarded = get("x-forwarded-for")
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return forwarded?.at(-1) ?? get("x-real-ip") ?? "unknown";
}
