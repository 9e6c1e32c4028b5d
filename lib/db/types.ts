import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** The query builder over either driver (PGlite or postgres-js): both speak PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = "pglite" | "postgres";
