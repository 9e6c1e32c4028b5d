// @ts-check
/**
 * The embedded database's own thread (lib/db/pglite-thread.ts starts it). PGlite runs PostgreSQL compiled to
 * WebAssembly synchronously on whatever thread calls it: on the server's thread every query's parse, plan and
 * execution stalled every other request. Here it answers SQL sent by message and nothing else. The thread lives
 * as long as the process, so a database reopened after a failure finds PGlite's WebAssembly already compiled.
 *
 * Plain JavaScript run by Node as it is (never bundled): Next's standalone output carries it beside PGlite
 * (next.config.ts), and tests and scripts load the same file.
 */
import { parentPort } from "node:worker_threads";
import { PGlite, types } from "@electric-sql/pglite";

if (!parentPort) throw new Error("lib/db/pglite-worker.mjs runs as a worker thread");
const port = parentPort;

/** @param {string} value */
const asText = (value) => value;
// Dates and intervals stay text, as drizzle's own PGlite driver asks: drizzle maps them from PostgreSQL's text.
// (1231 numeric[], 1115 timestamp[], 1185 timestamptz[], 1187 interval[], 1182 date[].)
const parsers = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [
    oid,
    asText,
  ]),
);

/** @param {unknown} error a PGlite DatabaseError (SQLSTATE `code`, `constraint`, …) or any failure */
function describe(error) {
  const e = /** @type {Record<string, unknown>} */ (error ?? {});
  const fields = ["code", "constraint", "severity", "table", "column", "schema"];
  return {
    name: typeof e.name === "string" ? e.name : "Error",
    message: typeof e.message === "string" ? e.message : String(error),
    ...Object.fromEntries(fields.filter((f) => typeof e[f] === "string").map((f) => [f, e[f]])),
  };
}

/** The open databases, by the number the main thread gave each. @type {Map<number, PGlite>} */
const databases = new Map();

/** @param {number} n */
function database(n) {
  const db = databases.get(n);
  if (!db || db.closed) throw new Error("the embedded database is closed");
  return db;
}

/**
 * @typedef {{ id: number, db: number, type: "open", dataDir: string }
 *   | { id: number, db: number, type: "query", sql: string, params: unknown[], rowMode: "array" | "object" }
 *   | { id: number, db: number, type: "migrate", queries: string[] }
 *   | { id: number, db: number, type: "close" }} Request
 */

/** @param {Request} request @returns {Promise<unknown[]>} */
async function answer(request) {
  switch (request.type) {
    case "open": {
      const db = new PGlite(request.dataDir);
      await db.waitReady;
      databases.set(request.db, db);
      return [];
    }
    case "query":
      return (await database(request.db).query(request.sql, request.params, { rowMode: request.rowMode, parsers }))
        .rows;
    case "migrate":
      // All pending migrations in one transaction: a failure leaves the database as it was.
      await database(request.db).transaction(async (tx) => {
        for (const query of request.queries) await tx.exec(query);
      });
      return [];
    case "close": {
      const db = databases.get(request.db);
      databases.delete(request.db);
      if (db && !db.closed) await db.close(); // writes everything out
      return [];
    }
  }
}

port.on("message", (/** @type {Request} */ request) => {
  answer(request).then(
    (rows) => port.postMessage({ id: request.id, rows }),
    (error) => port.postMessage({ id: request.id, error: describe(error) }),
  );
});
