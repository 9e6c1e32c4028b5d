import type { z } from "zod";

/**
 * A zod `superRefine` from one of the plain rule functions the browser applies too (key-rules.ts,
 * endpoint-rules.ts): their message, if any, becomes the field's issue, so server and browser say the same.
 */
export const rule = (problem: (value: string) => string | null) => (value: string, context: z.RefinementCtx) => {
  const found = problem(value);
  if (found) context.addIssue({ code: "custom", message: found });
};
