import type { KeyStatus } from "@/lib/domain/key-status";

/** Why a check came out as it did; each reason has its own sentence for the user (key-check.ts). */
export type Reason =
  | "accepted"
  | "rejected"
  | "disabled"
  | "rate_limited"
  | "no_credit"
  | "missing_scope"
  | "no_access"
  | "server_error"
  | "unexpected_answer";

export interface Verdict {
  status: Exclude<KeyStatus, "undecryptable">;
  reason: Reason;
}

/** How one provider's cheapest authenticated endpoint is asked about a key, and how its answer is read. */
export interface KeyCheckSpec {
  /** Appended to the base URL. */
  path: string;
  /** What a pass proves, completing "Verified with <Provider>: the key can …". */
  proves: string;
  /** What a 200 must contain to be the provider's own answer, not a proxy's or a captive portal's. */
  accepts: (body: unknown) => boolean;
  /** The provider's own quirks, asked before the shared rules; undefined lets the shared rules decide. */
  exceptions?: (status: number, body: unknown) => Verdict | undefined;
}

const valid: Verdict = { status: "valid", reason: "accepted" };
export const rejected: Verdict = { status: "invalid", reason: "rejected" };
export const disabled: Verdict = { status: "invalid", reason: "disabled" };
const unexpected: Verdict = { status: "unreachable", reason: "unexpected_answer" };
export const limited = (
  reason: Extract<Reason, "rate_limited" | "no_credit" | "missing_scope" | "no_access">,
): Verdict => ({
  status: "limited",
  reason,
});

/**
 * The one classifier every provider goes through. "Invalid" is not simply "401" (Google and xAI answer 400 for a
 * bad key, OpenAI 401 for a real key that lacks a scope), so a provider's exceptions speak first; what every
 * provider answers alike follows: 5xx is the provider's trouble (Anthropic's 529 "overloaded" included), 429 a
 * real key being throttled, 200 a pass if it looks like the provider's answer, 401 a rejected key.
 */
export function classifyKeyCheck(
  spec: Pick<KeyCheckSpec, "accepts" | "exceptions">,
  status: number,
  body: unknown,
): Verdict {
  const special = spec.exceptions?.(status, body);
  if (special) return special;
  if (status >= 500) return { status: "unreachable", reason: "server_error" };
  if (status === 429) return limited("rate_limited");
  if (status === 200) return spec.accepts(body) ? valid : unexpected;
  if (status === 401) return rejected;
  return unexpected;
}
