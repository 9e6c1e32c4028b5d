import { DrizzleQueryError } from "drizzle-orm";
import { AppError, DatabaseUnavailableError } from "@/lib/errors";

export const FOREIGN_KEY_VIOLATION = "23503";
export const UNIQUE_VIOLATION = "23505";
export const CHECK_VIOLATION = "23514";

/**
 * What drizzle 0.45 throws for a failed statement, on both drivers (postgres-js, and the embedded PGlite through
 * pg-proxy): a DrizzleQueryError whose `name` is plain "Error", whose message is "Failed query: <sql>\nparams:
 * <every parameter>" and whose `params` holds them again (emails, password hashes, key envelopes); the driver's
 * error is its `cause`. The driver's error has more fields that can quote values (`detail`: "Key (email)=(…)",
 * `where`). Only the SQLSTATE, PostgreSQL's message and the constraint's name are ever kept from any of them.
 */
const isDrizzleQueryError = (e: object) => e instanceof DrizzleQueryError || ("query" in e && "params" in e);

/** The error and its causes. */
function* causes(error: unknown): Generator<Record<string, unknown>> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause;
  }
}

// A SQLSTATE: five characters whose class is two digits or one of PostgreSQL's lettered classes (F0, HV, P0, XX),
// which a Node error code (EPIPE, ECONNRESET, CONNECTION_CLOSED) never is.
const SQLSTATE = /^([0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/;

/** The SQLSTATE of a driver error, e.g. "23505". */
export function sqlState(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (typeof e.code === "string" && SQLSTATE.test(e.code)) return e.code;
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

/** The statement's parameters, as text, when drizzle's error holds them. */
function parametersOf(error: unknown): string[] {
  for (const e of causes(error)) {
    if (isDrizzleQueryError(e) && Array.isArray(e.params))
      return e.params.map((p) => (p instanceof Date ? p.toISOString() : String(p)));
  }
  return [];
}

/**
 * PostgreSQL's (or the driver's) own message: the innermost that is not drizzle's, which lists the parameters.
 * PostgreSQL quotes the value it refused in some ('invalid input syntax for type uuid: "…"', 'value "…" is out of
 * range'): a quoted part that is one of the statement's parameters becomes its placeholder ("<parameter $1>").
 */
function driverMessage(error: unknown): string {
  let message: string | undefined;
  for (const e of causes(error)) {
    if (isDrizzleQueryError(e) || e instanceof DatabaseFailure) continue;
    if (typeof e.message === "string") message = e.message;
  }
  const parameters = parametersOf(error);
  return (message ?? "the statement failed").replace(/"([^"]*)"/g, (quoted, inner: string) => {
    const index = parameters.indexOf(inner);
    return index === -1 ? quoted : `"<parameter $${index + 1}>"`;
  });
}

/**
 * A failed database operation as it may travel on: SQLSTATE (`code`, so `sqlState` reads it as before), the
 * constraint, PostgreSQL's message and the operation's name, and nothing else of the driver's error (no cause,
 * no parameters). Every failure leaving `withDb` carries one; whatever logs it cannot leak what it does not hold.
 */
export class DatabaseFailure extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  readonly operation: string | undefined;

  constructor(error: unknown, operation?: string) {
    super(driverMessage(error));
    this.name = "DatabaseFailure";
    this.code = sqlState(error);
    this.constraint = constraintName(error);
    this.operation = operation ?? (error instanceof DatabaseFailure ? error.operation : undefined);
    // Where it failed, without drizzle's first lines (its message: the statement and its parameters).
    const frames =
      error instanceof Error ? (error.stack?.split("\n").filter((line) => /^\s+at /.test(line)) ?? []) : [];
    this.stack = [`${this.name}: ${this.message}`, ...frames].join("\n");
  }
}

/**
 * One line about a database failure for logs: "<operation>: <SQLSTATE> <PostgreSQL's message>", each part when
 * known. Never a statement's parameters: drizzle's own message lists them.
 */
export function describeDatabaseError(error: unknown, operation?: string): string {
  const found = [...causes(error)].find((e) => e instanceof DatabaseFailure) as DatabaseFailure | undefined;
  const failure = found ?? new DatabaseFailure(error, operation);
  const name = operation ?? failure.operation;
  return `${name ? `${name}: ` : ""}${failure.code ? `${failure.code} ` : ""}${failure.message}`;
}

/**
 * The classes of SQLSTATE that say the database cannot serve right now, whatever was asked: connection (08),
 * transaction rolled back by a conflict (40: serialization, deadlock), resources (53), operator intervention (57:
 * shutdown, cancelled), system (58), internal (XX); and single states of the same kind: a lock not available, a
 * read-only transaction (a failover to a standby), a prepared statement a transaction-mode pooler lost or
 * duplicated (26000, 42P05). Every other SQLSTATE is about the statement or its data.
 */
const UNAVAILABLE_CLASSES = new Set(["08", "40", "53", "57", "58", "XX"]);
const UNAVAILABLE_STATES = new Set(["55P03", "25006", "26000", "42P05"]);

export function isAvailabilityFailure(error: unknown): boolean {
  const state = sqlState(error);
  // No SQLSTATE: the driver could not reach the database (refused, reset, closed, timed out, engine gone).
  return state === undefined || UNAVAILABLE_CLASSES.has(state.slice(0, 2)) || UNAVAILABLE_STATES.has(state);
}

/**
 * A failure of `withDb` as callers and clients see it: our own typed errors untouched; the database unavailable
 * → DatabaseUnavailableError (503); a value it cannot take (class 22: a NUL byte, a number out of range, text
 * that is not a uuid…) → 400 `invalid_body`, a backstop behind the validation that should have refused it first;
 * anything else (integrity violations for the caller to map, e.g. 23505 → `email_taken`) → the DatabaseFailure.
 */
export function toDatabaseError(error: unknown, operation?: string): AppError | DatabaseFailure {
  if (error instanceof AppError) return error;
  const failure = new DatabaseFailure(error, operation);
  if (isAvailabilityFailure(failure)) return new DatabaseUnavailableError(failure);
  if (failure.code?.startsWith("22")) {
    return new AppError("invalid_body", "The request holds a value that cannot be stored.", { cause: failure });
  }
  return failure;
}

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
