/**
 * The display form of a key: 8 characters or fewer → "********"; otherwise the first four, one "*" per hidden
 * character, and the last four. Counted in code points so a surrogate pair is never split.
 */
export function maskApiKey(apiKey: string): string {
  const chars = Array.from(apiKey);
  if (chars.length <= 8) return "********";
  return `${chars.slice(0, 4).join("")}${"*".repeat(chars.length - 8)}${chars.slice(-4).join("")}`;
}
