/**
 * Gives each test file its own empty database before any app module opens one:
 * - TEST_DATABASE_URL set: a fresh database on that PostgreSQL server, dropped when the file ends;
 * - otherwise: an in-memory PGlite.
 * The app's own client module then opens it, migrates and seeds exactly as in production.
 */
import { sep } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { TEST_KEYRING } from "../fixtures/keyring";

process.env.API_KEY_ENCRYPTION_KEYS ??= TEST_KEYRING;
process.env.FEATURE_FLAGS ??= "";

// A component test (jsdom) has no database.
if (typeof window === "undefined") {
  const database = await throwawayDatabase({
    server: process.env.TEST_DATABASE_URL,
    prefix: "byok_test",
    pglite: "memory",
  });
  Object.assign(process.env, database.env);
  // An integration file's database is opened (created, migrated, seeded) in a hook, with the hook's time, not by
  // whichever test uses it first within that test's 30 s: it is a file's slowest step, seconds on an idle machine
  // and many more while other builds run. A file that points the app elsewhere (an outage's proxy or folder, an
  // old schema) does so at its top level, before this runs.
  if (expect.getState().testPath?.includes(`${sep}tests${sep}integration${sep}`)) {
    beforeAll(async () => {
      const { getDb } = await import("@/lib/db/client");
      await getDb();
    });
  }
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    await database.drop();
  });
}
