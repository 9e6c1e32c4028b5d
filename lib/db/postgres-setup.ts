import "server-only";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { join } from "node:path";
import { describeDatabaseError, sqlState } from "./errors";
import { seedProvidersQuery } from "./seed";
import type { Database } from "./types";

/** What a PostgreSQL server needs beyond the pool (lib/db/client.ts): the pooler setting, and its migrations. */

// turbopackIgnore: these paths are read at run time from the working directory, not traced into the build.
export const MIGRATIONS_FOLDER = join(/* turbopackIgnore: true */ process.cwd(), "drizzle");
// Any fixed 64-bit number; all app instances take it (for one transaction) so that only one migrates a shared
// PostgreSQL at a time.
const MIGRATION_LOCK = 7_242_011_905;

/**
 * `DATABASE_POOLER=transaction`: the database is reached through a transaction-mode pooler (PgBouncer with
 * `pool_mode = transaction`, Supavisor, RDS Proxy, Neon's pooled URL), which hands each transaction, or each
 * statement outside one, to whichever server connection is free. Nothing may then outlive one transaction on a
 * server connection: no named prepared statements (postgres-js prepares every statement by default), no
 * session-level advisory lock, SET, LISTEN or temporary table. The app holds none of these in either mode (the
 * migrations' lock is a transaction's own); the setting turns off postgres-js's prepared statements.
 */
const poolerMode = (): "transaction" | undefined => env("DATABASE_POOLER");

/** The SQLSTATEs a transaction-mode pooler causes for a client that prepares statements. */
const POOLER_STATES = new Set(["26000", "42P05"]);
const pooler = globalThis as unknown as { __byokPoolerReported?: boolean };

/**
 * The first "prepared statement … does not exist / already exists" of a process without DATABASE_POOLER is
 * logged once as what it is, with what to set; the request itself answers 503 like any unavailability.
 */
export function reportPoolerError(error: unknown, operation?: string): void {
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
export function clientOptions() {
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
export async function migrateAndSeed(url: string, db: Database): Promise<void> {
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
