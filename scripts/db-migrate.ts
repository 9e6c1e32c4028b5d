import { sql } from "drizzle-orm";
import { closeDb, describeDatabaseTarget, getDb } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { run } from "./cli";

// Opening the database applies pending migrations and the provider seed (under an advisory lock on PostgreSQL).
process.env.DB_AUTO_MIGRATE = "true";

await run(async () => {
  console.log(`Migrating ${describeDatabaseTarget()} …`);
  const started = Date.now();
  const db = await getDb();
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`select count(*) as n from drizzle.__drizzle_migrations`),
  );
  console.log(
    `Done in ${Date.now() - started} ms: ${Number(row?.n ?? 0)} migrations applied in all; providers seeded.`,
  );
  await closeDb();
});
