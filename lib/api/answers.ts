import { operations } from "./operations";

/**
 * Each operation's success schema, by its name (its operationId): what the browser's client (lib/client/api.ts)
 * parses every answer with in development and in tests. Only ever imported dynamically, behind a NODE_ENV check that
 * the production build removes, so zod stays out of the pages' bundles.
 */
export const answerSchemas = operations;

/** The problems of an answer that does not match its operation's schema, in one sentence; null when it matches. */
export function answerProblem(name: string, data: unknown): string | null {
  const op = (answerSchemas as Record<string, { response: import("zod").ZodType; status: number }>)[name];
  if (!op || op.status === 204) return null;
  const parsed = op.response.safeParse(data);
  if (parsed.success) return null;
  const where = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return `The answer of ${name} does not match its schema: ${where.join("; ")}`;
}
