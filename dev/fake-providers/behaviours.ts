/**
 * How a fake provider answers is written into the key itself, e.g. `sk-test-valid-…`, `AIza-invalid-…`,
 * `gsk_slow_…` (any of these words between separators), so a browser test can type a key and know the answer.
 * Unmarked keys are rejected, as a real provider would. `oddshape` is a good key whose model list comes back in
 * a shape no provider uses. `cut` is a good key whose chat answers drop mid-stream (chat.ts). A valid key can also be revoked later (server.ts, `/__control/revoke`).
 */
export const BEHAVIOURS = [
  "valid",
  "invalid",
  "limited",
  "scope",
  "nocredit",
  "noaccess",
  "disabled",
  "blocked",
  "overloaded",
  "slow",
  "error500",
  "malformed",
  "redirect",
  "huge",
  "oddshape",
  "cut",
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export function behaviourOf(key: string | undefined): Behaviour {
  if (!key) return "invalid";
  const words = key.split(/[-_.]/);
  return BEHAVIOURS.find((b) => words.includes(b)) ?? "invalid";
}
