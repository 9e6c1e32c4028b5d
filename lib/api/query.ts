import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { InvalidInputError, refuseNul } from "@/lib/http/body";

/**
 * The query string against its schema (400 `invalid_query`, naming the parameter). A parameter given twice is
 * refused rather than guessed at: `?providerId=a&providerId=b` has no one meaning.
 */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in params)
      throw new AppError("invalid_query", `${name}: give this parameter once.`, {
        details: { fields: { [name]: "Give this parameter once." } },
      });
    params[name] = value;
  }
  refuseNul("invalid_query", params);
  const result = schema.safeParse(params);
  if (!result.success) throw new InvalidInputError("invalid_query", result.error);
  return result.data;
}
