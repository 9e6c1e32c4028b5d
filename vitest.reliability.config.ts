import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

/** The reliability suite: real `next start` processes on the production build, a real PostgreSQL. */
export default defineConfig({
  resolve,
  test: {
    include: ["tests/reliability/**/*.test.ts"],
    globalSetup: ["tests/reliability/global-setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
