import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared.ts";

/**
 * `npm run test:hsm`: the key-encryption-key suite against a real PKCS#11 token (SoftHSM2 in a temporary folder per
 * file, behind dev/pkcs11-shim's failing module). Apart from `npm test` because it needs Debian's softhsm2 and a C
 * compiler, which `npm install && npm test` on a fresh machine may not have; `.ci/run` installs them and runs it on
 * both databases.
 */
export default defineConfig({
  resolve,
  test: {
    include: ["tests/hsm/**/*.test.ts"],
    setupFiles: ["tests/setup/database.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    restoreMocks: true,
  },
});
