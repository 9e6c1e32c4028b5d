import "server-only";
import { NextResponse } from "next/server";
import { DatabaseFailure, describeDatabaseError } from "@/lib/db/errors";
import { AppError, DatabaseUnavailableError, KeyServiceUnavailableError } from "@/lib/errors";
import { log } from "@/lib/log";

const NO_STORE = { "Cache-Control": "no-store" };

export function json(data: unknown, status = 200): NextResponse {
  return NextResponse.json(data, { status, headers: NO_STORE });
}

/** An answer already written as JSON text (the key list's, by the database: lib/db/key-list-json.ts). */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, { status, headers: { ...NO_STORE, "Content-Type": "application/json" } });
}

/** `{ error, code }` with the status the code decides; Retry-After when the error knows it. */
function errorResponse(error: AppError): NextResponse {
  const headers: Record<string, string> = { ...NO_STORE };
  if (error.retryAfter !== undefined) headers["Retry-After"] = String(error.retryAfter);
  return NextResponse.json(
    { ...error.details, error: error.message, code: error.code },
    { status: error.status, headers },
  );
}

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

/** Every failure becomes a JSON answer: our typed errors as they are, anything else a logged, generic 500. */
export function toErrorResponse(error: unknown, where: string): NextResponse {
  if (error instanceof AppError) {
    if (error.status >= 500)
      log.error({ scope: "api", where, code: error.code, ...databaseFields(error, where) }, describeForLog(error));
    return errorResponse(error);
  }
  log.error(
    { scope: "api", where, code: "internal_error", ...databaseFields(error, where) },
    `failed unexpectedly: ${describeForLog(error)}`,
  );
  return errorResponse(
    new AppError("internal_error", "Something went wrong on our side. Nothing was changed; please try again."),
  );
}
