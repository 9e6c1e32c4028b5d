import "server-only";
import { env } from "@/lib/env";
import { channel } from "node:diagnostics_channel";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Logger } from "drizzle-orm/logger";
import { DatabaseFailure, describeDatabaseError, sqlState, toDatabaseError } from "./errors";
import { DatabaseUnavailableError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import * as schema from "./schema";
import { clientOptions, migrateAndSeed, MIGRATIONS_FOLDER, reportPoolerError } from "./postgres-setup";
import { seedProviders } from "./seed";

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
