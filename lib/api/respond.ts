import "server-only";
import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { logFailure } from "@/lib/failure-log";

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

/** Every failure becomes a JSON answer: our typed errors as they are, anything else a logged, generic 500. */
export function toErrorResponse(error: unknown, where: string): NextResponse {
  logFailure("api", where, error);
  if (error instanceof AppError) return errorResponse(error);
  return errorResponse(
    new AppError("internal_error", "Something went wrong on our side. Nothing was changed; please try again."),
  );
}
