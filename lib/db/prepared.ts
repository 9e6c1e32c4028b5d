import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { type Database, withDb } from "./client";

/** Statements prepared once per database handle, and the rows of a raw statement's answer. */

/**
 * A statement built and prepared once per database handle, not per call: drizzle's query building showed in the
 * profiles of the hot reads. (A reopened database is a new handle and prepares again.)
 */
export function preparedPerHandle<Q>(prepare: (db: Database) => Q): (db: Database) => Q {
  const prepared = new WeakMap<Database, Q>();
  return (db) => {
    let query = prepared.get(db);
    if (!query) prepared.set(db, (query = prepare(db)));
    return query;
  };
}

const dialect = new PgDialect();

/**
 * A raw statement (what db.execute runs) built once, its values placeholders (`sql.placeholder`) filled per call,
 * and prepared once per database handle: on PostgreSQL a named prepared statement, so each connection parses it
 * once and the server may keep its plan, rather than drizzle building the SQL text and the server parsing and
 * planning it on every call (the gateway's statements: bench/gateway.ts). Answers rows as db.execute does.
 */
export function preparedStatement(
  name: string,
  build: () => SQL,
): (values: Record<string, unknown>) => Promise<unknown> {
  let query: ReturnType<PgDialect["sqlToQuery"]> | undefined;
  const prepared = preparedPerHandle((db) =>
    db._.session.prepareQuery((query ??= dialect.sqlToQuery(build())), undefined, name, false),
  );
  return (values) => withDb((db) => prepared(db).execute(values));
}

/** The rows of a `db.execute()` answer: an array on both drivers here, `{ rows }` on drizzle's own PGlite driver. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
