import "server-only";
import { env } from "@/lib/env";
import { channel } from "node:diagnostics_channel";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { SQL } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import { PgDialect } from "drizzle-orm/pg-core";
import { DatabaseFailure, describeDatabaseError, sqlState, toDatabaseError } from "./errors";
import { DatabaseUnavailableError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import * as schema from "./schema";
import { seedProviders, seedProvidersQuery } from "./seed";

import type { Database, Driver } from "./types";

export type { Database, Driver };

interface Handle {
  db: Database;
  driver: Driver;
  close: () => Promise<void>;
  /** True when the engine can no longer answer and must be reopened (a closed or crashed PGlite).
   * postgres-js never needs this: its pool reconnects by itself. */
  isDead: () => boolean;
}

// turbopackIgnore: these paths are read at run time from the working directory, not traced into the build.
const MIGRATIONS_FOLDER = join(/* turbopackIgnore: true */ process.cwd(), "drizzle");
// Any fixed 64-bit number; all app instances take it (for one transaction) so that only one migrates a shared
// PostgreSQL at a time.
const MIGRATION_LOCK = 7_242_011_905;

/**
 * Every statement drizzle sends is published on this diagnostics channel as `{ query }`: the SQL text only, never
 * its parameters (they hold ciphertext, emails, password hashes). Tests and the benchmarks count statements per operation by
 * subscribing; with no subscriber nothing is built or sent.
 */
export const QUERY_CHANNEL = "byok:db:query";
const queries = channel(QUERY_CHANNEL);
const publishingLogger: Logger = {
  logQuery(query) {
    if (queries.hasSubscribers) queries.publish({ query });
  },
};

export function describeDatabaseTarget(): string {
  const databaseUrl = env("DATABASE_URL");
  if (databaseUrl) {
    const url = new URL(databaseUrl);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  }
  return `embedded PGlite at ${pgliteDir()}`;
}

function pgliteDir(): string {
  return env("PGLITE_DIR");
}

function autoMigrate(): boolean {
  return env("DB_AUTO_MIGRATE");
}

/**
 * The embedded database runs on a thread of its own (lib/db/pglite-thread.ts): PGlite executes SQL synchronously
 * on the thread that calls it, and on the server's thread every query held up every other request (a profile
 * of the list under load: a third of the server thread's time inside PGlite). drizzle reaches it through its
 * pg-proxy driver: SQL and parameters go over, rows come back.
 */
async function openPglite(): Promise<Handle> {
  const { drizzle } = await import("drizzle-orm/pg-proxy");
  const { migrate } = await import("drizzle-orm/pg-proxy/migrator");
  const { PgliteThread } = await import("./pglite-thread");
  const dir = pgliteDir();
  if (!dir.startsWith("memory://")) {
    mkdirSync(dirname(resolve(/* turbopackIgnore: true */ process.cwd(), dir)), { recursive: true });
  }
  const engine = await PgliteThread.open(dir);
  const db = drizzle(
    async (sql, params, method) => ({ rows: await engine.query(sql, params, method === "all" ? "array" : "object") }),
    { schema, logger: publishingLogger },
  );
  try {
    // The embedded database always migrates and seeds: `npm run dev` on a fresh clone must just work.
    await migrate(db, (queries) => engine.migrate(queries), { migrationsFolder: MIGRATIONS_FOLDER });
    await seedProviders(db as unknown as Database);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    // `$client` as drizzle's other drivers name theirs: what tests shut behind the app's back (an engine crash).
    db: Object.assign(db, { $client: engine }) as unknown as Database,
    driver: "pglite",
    close: () => engine.close(),
    isDead: () => engine.closed,
  };
}

/**
 * `DATABASE_POOLER=transaction`: the database is reached through a transaction-mode pooler (PgBouncer with
 * `pool_mode = transaction`, Supavisor, RDS Proxy, Neon's pooled URL), which hands each transaction, or each
 * statement outside one, to whichever server connection is free. Nothing may then outlive one transaction on a
 * server connection: no named prepared statements (postgres-js prepares every statement by default), no
 * session-level advisory lock, SET, LISTEN or temporary table. The app holds none of these in either mode (the
 * migrations' lock is a transaction's own); the setting turns off postgres-js's prepared statements.
 */
export const poolerMode = (): "transaction" | undefined => env("DATABASE_POOLER");

/** The SQLSTATEs a transaction-mode pooler causes for a client that prepares statements. */
const POOLER_STATES = new Set(["26000", "42P05"]);
const pooler = globalThis as unknown as { __byokPoolerReported?: boolean };

/**
 * The first "prepared statement … does not exist / already exists" of a process without DATABASE_POOLER is
 * logged once as what it is, with what to set; the request itself answers 503 like any unavailability.
 */
function reportPoolerError(error: unknown, operation?: string): void {
  const state = sqlState(error);
  if (!state || !POOLER_STATES.has(state) || poolerMode() || pooler.__byokPoolerReported) return;
  pooler.__byokPoolerReported = true;
  log.error(
    { scope: "db", sqlState: state, fix: "DATABASE_POOLER=transaction" },
    `PostgreSQL answered ${describeDatabaseError(error, operation)}: the database is reached through a transaction-mode pooler ` +
      "(PgBouncer pool_mode=transaction, Supavisor, RDS Proxy), which does not keep prepared statements. " +
      "Set DATABASE_POOLER=transaction and restart the app (or connect it to PostgreSQL directly).",
  );
}

/** postgres-js options shared by the app's pool and the migrations' connection. */
function clientOptions() {
  return {
    connect_timeout: 5,
    // Unnamed statements only behind a transaction-mode pooler (see poolerMode).
    prepare: poolerMode() !== "transaction",
    onnotice: () => {},
  };
}

/**
 * Applies drizzle's pending migrations and the provider seed in ONE transaction under a transaction-level
 * advisory lock, so that only one instance migrates a shared PostgreSQL at a time. The same bookkeeping as
 * drizzle's migrator (drizzle.__drizzle_migrations: hash, created_at = the migration's folder time), which reads
 * the last migration outside its transaction and needed a session-level lock around it; here nothing outlives the
 * transaction, so it works the same through a transaction-mode pooler, and no lock can stay behind on a pooled
 * server connection (a session lock taken through PgBouncer stays on whichever connection ran it). (Its own connection, ended afterwards: a connection reserved from the app's pool
 * was once seen to hang queries after a network reset.)
 */
async function migrateAndSeed(url: string, db: Database): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const seed = seedProvidersQuery(db).toSQL();
  const connection = postgres(url, { ...clientOptions(), max: 1 });
  try {
    await connection.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`create schema if not exists drizzle`;
      await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
      const [last] = await tx<
        { created_at: string | null }[]
      >`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
      for (const migration of migrations) {
        if (last && Number(last.created_at) >= migration.folderMillis) continue;
        for (const statement of migration.sql) await tx.unsafe(statement);
        await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`;
      }
      await tx.unsafe(seed.sql, seed.params as never[]);
    });
  } finally {
    await connection.end({ timeout: 5 });
  }
}

async function openPostgres(url: string): Promise<Handle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, {
    ...clientOptions(),
    max: env("DATABASE_POOL_MAX"),
    idle_timeout: 30,
    // postgres-js backs off up to 20 s between reconnects by default, and queries wait out the backoff: after an
    // outage requests hung for many seconds. A short, bounded backoff lets the app recover within half a second.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5),
  });
  const db = drizzle({ client, schema, logger: publishingLogger }) as unknown as Database;
  try {
    if (autoMigrate()) await migrateAndSeed(url, db);
    else await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  return {
    db,
    driver: "postgres",
    close: () => client.end({ timeout: 1 }),
    isDead: () => false,
  };
}

// Cached on globalThis so dev hot reload (which re-evaluates modules) keeps one client and one PGlite instance.
const cache = globalThis as unknown as { __byokDatabase?: Promise<Handle> };

async function handle(): Promise<Handle> {
  if (!cache.__byokDatabase) {
    const url = env("DATABASE_URL");
    const opening = url ? openPostgres(url) : openPglite();
    cache.__byokDatabase = opening;
    // A failed open is not cached: the next request tries again, so the app recovers when the database does.
    opening.catch((error: unknown) => {
      if (cache.__byokDatabase === opening) cache.__byokDatabase = undefined;
      log.error(
        { scope: "db", reason: describeDatabaseError(error) },
        `Could not open the ${describeDatabaseTarget()}`,
      );
    });
  }
  try {
    return await cache.__byokDatabase;
  } catch (error) {
    throw new DatabaseUnavailableError(new DatabaseFailure(error, "open the database"));
  }
}

export async function getDb(): Promise<Database> {
  return (await handle()).db;
}

export async function getDriver(): Promise<Driver> {
  return (await handle()).driver;
}

/**
 * Runs one unit of database work and turns any failure into a typed error, never a silent `[]`: the database
 * unavailable → 503; a value it refused → 400 (logged: the validation before it should have refused it); anything
 * else a DatabaseFailure (lib/db/errors.ts). None of them carries the statement's parameters. `operation` names the
 * work in the log line ("create user"); without it the line names the request.
 */
export async function withDb<T>(work: (db: Database) => Promise<T>, operation?: string): Promise<T> {
  const opened = await handle();
  try {
    return await (opened.driver === "postgres" ? withTimeout(opened, work) : work(opened.db));
  } catch (error) {
    if (opened.isDead()) forget(opened);
    reportPoolerError(error, operation);
    const typed = toDatabaseError(error, operation);
    if (isAppError(typed, "invalid_body")) {
      log.warn(
        { scope: "db", operation, sqlState: sqlState(typed.cause) },
        `the database refused a value: ${describeDatabaseError(typed.cause)}`,
      );
    }
    throw typed;
  }
}

/**
 * A bound on every operation over the network: after a reset, postgres-js was seen to leave a query unanswered
 * for ~35 s on a connection it still believed open (tests/integration/api-outage.test.ts, about one run in
 * five). The request answers 503 instead, and the whole pool is replaced so that no later request lands on
 * that connection once the database is back. (PGlite runs in this process: no network to fail.)
 */
async function withTimeout<T>(opened: Handle, work: (db: Database) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const ms = operationTimeoutMs();
    timer = setTimeout(() => {
      forget(opened);
      void opened.close().catch(() => {});
      reject(new Error(`database operation timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work(opened.db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function operationTimeoutMs(): number {
  return env("DB_OPERATION_TIMEOUT_MS");
}

/** Drops a dead engine so that the next call opens a new one: the app heals without a restart. */
function forget(dead: Handle): void {
  const current = cache.__byokDatabase;
  void current?.then(
    (h) => {
      if (h === dead && cache.__byokDatabase === current) cache.__byokDatabase = undefined;
    },
    () => {}, // a failed reopen is already uncached and logged by handle()
  );
}

export async function closeDb(): Promise<void> {
  const opening = cache.__byokDatabase;
  cache.__byokDatabase = undefined;
  if (opening) await (await opening.catch(() => undefined))?.close();
}

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
