import "server-only";
import { sql } from "drizzle-orm";
import { withDb } from "./client";

/** One round trip; throws DatabaseUnavailableError when the database cannot answer. */
export async function pingDatabase(): Promise<void> {
  await withDb((db) => db.execute(sql`select 1`));
}
