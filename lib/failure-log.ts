import "server-only";
import { DatabaseFailure, describeDatabaseError } from "@/lib/db/errors";
import { AppError, DatabaseUnavailableError, KeyServiceUnavailableError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * The one way a failure of ours reaches the server log (API routes, sign-in, the forms): a 5xx of our own or
 * anything unexpected, with the database's SQLSTATE, its message and the operation's name when the database failed;
 * never a request body, never a statement's parameters (drizzle's message lists them). A 4xx is the caller's: not
 * logged.
 */

/** The stack's frames alone: a message can span lines (drizzle's lists the statement's parameters). */
const frames = (error: Error) =>
  error.stack
    ?.split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n") ?? "";

/** A line for the server log. Never a request body; never drizzle's message (it lists query parameters). */
function describeForLog(error: unknown): string {
  if (error instanceof DatabaseUnavailableError) return `database unavailable (${describeDatabaseError(error.cause)})`;
  // The KEK's failure as its service said it (a PKCS#11 return value and call: no key material, no PIN).
  if (error instanceof KeyServiceUnavailableError)
    return `key service unavailable (${error.cause instanceof Error ? error.cause.message : "no answer"})`;
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
  if (error instanceof Error && (error instanceof DatabaseFailure || error.cause)) {
    return `${error.name}: ${describeDatabaseError(error)}\n${frames(error)}`;
  }
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

/** What a log line says of a database failure besides its sentence: its SQLSTATE and the operation's name. */
function databaseFields(error: unknown, where: string): Record<string, string> {
  const failure = error instanceof DatabaseFailure ? error : error instanceof AppError ? error.cause : undefined;
  if (!(failure instanceof DatabaseFailure)) return {};
  return { operation: failure.operation ?? where, ...(failure.code ? { sqlState: failure.code } : {}) };
}

/** Errors already logged: one failure is one line, however many layers it passes through (a form's sign-in). */
const logged = new WeakSet<object>();

/** Logs `error` when it is ours to log (see above); `where` names the route or step, `scope` the area. */
export function logFailure(scope: string, where: string, error: unknown): void {
  if (typeof error === "object" && error !== null) {
    if (logged.has(error)) return;
    logged.add(error);
  }
  if (error instanceof AppError) {
    if (error.status >= 500)
      log.error({ scope, where, code: error.code, ...databaseFields(error, where) }, describeForLog(error));
    return;
  }
  log.error(
    { scope, where, code: "internal_error", ...databaseFields(error, where) },
    `failed unexpectedly: ${describeForLog(error)}`,
  );
}
