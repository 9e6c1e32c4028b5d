import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

/**
 * A database of its own for one test file, suite or benchmark run, gone afterwards, so that runs sharing a
 * server never see each other's rows and leave nothing behind.
 */
export interface ThrowawayDatabase {
  /** The PostgreSQL URL of the fresh database, or the PGlite folder (`memory://` when in memory). */
  location: string;
  /** DATABASE_URL (and PGLITE_DIR) as the app reads them: put these in its environment. */
  env: Record<string, string>;
  /** What a report prints: "PostgreSQL (host, fresh database name)" or "PGlite (embedded)". */
  label: string;
  /** Drops the database (closing its connections) or removes the folder. Close the app's client first. */
  drop: () => Promise<void>;
}

/**
 * With `server` (a PostgreSQL URL): a uniquely named database created on it now. Without: PGlite, in memory or in
 * a fresh temporary folder. `prefix` names it (`byok_test` → database `byok_test_<pid>_<random>`).
 */
export async function throwawayDatabase(options: {
  server?: string;
  prefix: string;
  pglite?: "memory" | "folder";
}): Promise<ThrowawayDatabase> {
  const { server, prefix } = options;
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`prefix must be a lower-case SQL identifier: ${prefix}`);
  if (!server) return options.pglite === "folder" ? pgliteFolder(prefix) : pgliteInMemory();

  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await onServer(server, `create database "${name}"`);
  const location = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  return {
    location,
    env: { DATABASE_URL: location },
    label: `PostgreSQL (${new URL(server).host}, fresh database ${name})`,
    drop: () => onServer(server, `drop database if exists "${name}" with (force)`),
  };
}

function pgliteFolder(prefix: string): ThrowawayDatabase {
  const parent = mkdtempSync(join(tmpdir(), `${prefix.replaceAll("_", "-")}-`));
  const location = join(parent, "pglite");
  return {
    location,
    env: { DATABASE_URL: "", PGLITE_DIR: location },
    label: "PGlite (embedded)",
    drop: async () => rmSync(parent, { recursive: true, force: true }),
  };
}

function pgliteInMemory(): ThrowawayDatabase {
  return {
    location: "memory://",
    env: { DATABASE_URL: "", PGLITE_DIR: "memory://" },
    label: "PGlite (in memory)",
    drop: async () => {},
  };
}

/** One statement on a short-lived connection to the server's own database. */
async function onServer(server: string, statement: string): Promise<void> {
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}
