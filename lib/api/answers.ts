import { type Operation, operations } from "./operations";

/**
 * The problems of an answer that does not match its operation's success schema (by its name, the operationId), in
 * one sentence; null when it matches. What the browser's client (lib/client/api.ts) checks every answer with in
 * development and in tests; only ever imported dynamically, behind a NODE_ENV check that the production build
 * removes, so zod stays out of the pages' bundles.
 */
export function answerProblem(name: string, data: unknown): string | null {
  const op = (operations as Record<string, Operation>)[name];
  if (!op || op.status === 204) return null;
  const parsed = op.response.safeParse(data);
  if (parsed.success) return null;
  const where = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return `The answer of ${name} does not match its schema: ${where.join("; ")}`;
}
