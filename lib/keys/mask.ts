/**
 * The display form of a key (CONTRACT-WAVE3.md, "Masks"): 8 characters or fewer → "********"; otherwise
 * n = min(4, floor(length / 8)) characters at each end and one "*" per hidden character, so a short key shows
 * little of itself (9 characters: one at each end) and a key of 32 or more shows its first and last four. Counted
 * in code points so a surrogate pair is never split. drizzle/0006_mask_rule.sql recomputes the stored masks of
 * the previous rule by the same arithmetic; the two must change together.
 */
export function maskApiKey(apiKey: string): string {
  const chars = Array.from(apiKey);
  if (chars.length <= 8) return "********";
  const shown = Math.min(4, Math.floor(chars.length / 8));
  return `${chars.slice(0, shown).join("")}${"*".repeat(chars.length - 2 * shown)}${chars.slice(-shown).join("")}`;
}
