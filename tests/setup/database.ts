/**
 * Gives each test file its own empty database before any app module opens one:
 * - TEST_DATABASE_URL set: a fresh database on that PostgreSQL server, dropped when the file ends;
 * - otherwise: an in-memory PGlite.
 * The app's own client module then opens it, migrates and seeds exactly as in production.
 */
import { afterAll } from "vitest";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { TEST_KEYRING } from "../fixtures/keyring";

process.env.API_KEY_ENCRYPTION_KEYS ??= TEST_KEYRING;
process.env.FEATURE_FLAGS ??= "";

// A component test (jsdom) has no database.
if (typeof window === "undefined") {
  const database = await throwawayDatabase({ server: process.env.TEST_DATABASE_URL, prefix: "byok_test", pglite: "memory" });
  Object.assign(process.env, database.env);
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
    await database.drop();
  });
}
