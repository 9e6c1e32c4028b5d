import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, withDb } from "@/lib/db/client";
import { modelProvider, user } from "@/lib/db/schema";
import { runScript } from "../fixtures/scripts";
import { pooledDatabase } from "./database";

/**
 * The app's database work, migrations and npm scripts through PgBouncer in transaction mode with
 * DATABASE_POOLER=transaction: no named prepared statement, nothing left on a server connection (the pooler hands
 * them to other clients), several instances migrating one database at once.
 */
const { direct, pooled } = await pooledDatabase(4133, { poolSize: 4 });
const env = {
  DATABASE_URL: pooled,
  DATABASE_POOLER: "transaction",
  API_KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
};
Object.assign(process.env, env);
const server = postgres(direct, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await closeDb();
  await server.end();
});

const journal = JSON.parse(readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };

describe("DATABASE_POOLER=transaction through PgBouncer in transaction mode", () => {
  it("three instances migrating at once: each succeeds, every migration is applied once, no lock stays behind", async () => {
    const runs = await Promise.all([1, 2, 3].map(() => runScript("scripts/db-migrate.ts", env)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const [applied] = await server<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(applied!.n).toBe(journal.entries.length);
    const [providers] = await server<
      { n: number }[]
    >`select count(*)::int as n from "ModelProvider" where "ownerId" is null`;
    expect(providers!.n).toBe(8);
    const [locks] = await server<{ n: number }[]>`select count(*)::int as n from pg_locks where locktype = 'advisory'`;
    expect(locks!.n).toBe(0);
  });

  it("npm run keys:check works through the pooler", async () => {
    const run = await runScript("scripts/keys-check.ts", env);
    expect(run.code, run.stderr).toBe(0);
  });

  it("concurrent reads and writes, the app's prepared (per-handle) statements included: none fails", async () => {
    const failures: unknown[] = [];
    for (let round = 0; round < 30; round++) {
      const work = Array.from({ length: 16 }, (_, i) =>
        i % 4 === 0
          ? withDb(
              (db) => db.insert(user).values({ email: `pooled.${round}.${i}@example.test`, passwordHash: "x" }),
              "create user",
            )
          : withDb(
              (db) =>
                db
                  .select({ id: modelProvider.id })
                  .from(modelProvider)
                  .where(eq(modelProvider.sortOrder, (i % 8) * 10 + 10)),
              "list providers",
            ),
      );
      for (const s of await Promise.allSettled(work)) if (s.status === "rejected") failures.push(s.reason);
    }
    expect(failures).toEqual([]);
    const [users] = await server<{ n: number }[]>`select count(*)::int as n from "User" where email like 'pooled.%'`;
    expect(users!.n).toBe(30 * 4);
    const prepared = await withDb(
      (db) => db.execute("select name from pg_prepared_statements"),
      "list prepared statements",
    );
    expect([...(prepared as unknown as unknown[])]).toEqual([]);
  });
});
