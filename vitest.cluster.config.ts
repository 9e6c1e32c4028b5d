import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

/**
 * The cluster suite (`npm run test:cluster`): the deployment's topology from Debian packages, without containers:
 * HAProxy → three standalone servers (`node .next/standalone/server.js`) → PgBouncer in transaction mode →
 * PostgreSQL (TEST_DATABASE_URL, default the local server), under a bounded mixed load. Needs `pgbouncer` and
 * `haproxy` on PATH and a production build (built when missing). Ports 4100–4199.
 */
export default defineConfig({
  resolve,
  test: {
    include: ["tests/cluster/**/*.test.ts"],
    globalSetup: ["tests/cluster/global-setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    restoreMocks: true,
  },
});
