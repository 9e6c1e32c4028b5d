import { AppError, DatabaseUnavailableError } from "@/lib/errors";

export const FOREIGN_KEY_VIOLATION = "23503";
export const UNIQUE_VIOLATION = "23505";
export const CHECK_VIOLATION = "23514";

/** The error and its causes: drizzle wraps driver errors in DrizzleQueryError. */
function* causes(error: unknown): Generator<Record<string, unknown>> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause;
  }
}

/** The SQLSTATE of a driver error, e.g. "23505". */
export function sqlState(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The violated constraint's name: postgres-js calls it `constraint_name`, PGlite `constraint`. */
export function constraintName(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const name = e.constraint_name ?? e.constraint;
    if (typeof name === "string") return name;
  }
  return undefined;
}

/**
 * Driver failures become DatabaseUnavailableError (503): connection refused or lost, server shutting down, pool
 * exhausted. Integrity violations (class 23) pass through for the caller to map ("no such provider"); our own
 * typed errors pass through untouched.
 */
/**
 * A row written for a (user, provider) whose provider or user is gone (a foreign key broke) as the error the user
 * sees: 404 provider_not_found, or 401 when the user no longer exists. The error itself when it is anything else.
 */
export function ownerForeignKeyError(error: unknown): unknown {
  if (sqlState(error) !== FOREIGN_KEY_VIOLATION) return error;
  return constraintName(error)?.includes("providerId")
    ? new AppError("provider_not_found", "There is no such provider.")
    : new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");
}

export function toDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (sqlState(error)?.startsWith("23")) return error;
  return new DatabaseUnavailableError(error);
}

/** One line about a driver failure for logs. Never drizzle's own message: it lists the query parameters. */
export function describeDatabaseError(error: unknown): string {
  for (const e of causes(error)) {
    if (e.name === "DrizzleQueryError") continue;
    const code = typeof e.code === "string" ? `${e.code}: ` : "";
    return `${code}${typeof e.message === "string" ? e.message : "unknown error"}`;
  }
  return String(error);
}
