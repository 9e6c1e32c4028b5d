import { afterAll } from "vitest";
import { PgBouncer } from "@/dev/pgbouncer";
import { throwawayDatabase } from "@/dev/throwaway-database";

/** The PostgreSQL server the cluster suite runs on: TEST_DATABASE_URL, else the local one. */
export const SERVER_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh database on the server and a PgBouncer in transaction mode in front of it on `port` (this suite's range,
 * 4100–4199), both gone when the file ends. `direct` reaches PostgreSQL itself, `pooled` the same database
 * through the pooler.
 */
export async function pooledDatabase(port: number, options: { poolSize?: number } = {}) {
  const database = await throwawayDatabase({ server: SERVER_URL, prefix: "byok_cluster" });
  const server = new URL(SERVER_URL);
  const pgbouncer = new PgBouncer(port, { host: server.hostname, port: Number(server.port || 5432) }, options);
  await pgbouncer.start();
  afterAll(async () => {
    await pgbouncer.close();
    await database.drop();
  });
  return { direct: database.location, pooled: pgbouncer.url(database.location), pgbouncer };
}
