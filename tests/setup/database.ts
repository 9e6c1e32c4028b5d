/**
 * Gives each test file its own empty database before any app module opens one:
 * - TEST_DATABASE_URL set: a fresh database on that PostgreSQL server, dropped when the file ends;
 * - otherwise: an in-memory PGlite.
 * The app's own client module then opens it, migrates and seeds exactly as in production.
 */
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { TEST_KEYRING } from "../fixtures/keyring";

process.env.API_KEY_ENCRYPTION_KEYS ??= TEST_KEYRING;
process.env.FEATURE_FLAGS ??= "";

const server = process.env.TEST_DATABASE_URL;
if (typeof window !== "undefined") {
  // A component test (jsdom): no database.
} else if (server) {
  const { default: postgres } = await import("postgres");
  const name = `byok_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = "memory://";
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
  });
}
