import { defineConfig } from "drizzle-kit";

// One config for both databases: a real PostgreSQL when DATABASE_URL is set, else the embedded PGlite folder.
const url = process.env.DATABASE_URL;
const pgliteDir = process.env.PGLITE_DIR ?? ".data/pglite";

export default url
  ? defineConfig({
      dialect: "postgresql",
      schema: "./lib/db/schema/index.ts",
      out: "./drizzle",
      dbCredentials: { url },
    })
  : defineConfig({
      dialect: "postgresql",
      driver: "pglite",
      schema: "./lib/db/schema/index.ts",
      out: "./drizzle",
      dbCredentials: { url: pgliteDir },
    });
