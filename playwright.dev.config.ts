import { defineConfig } from "@playwright/test";
import { CHROMIUM } from "./dev/chromium";

/**
 * Browser tests against development servers, each started by its test (`npm run demo`, `next dev`), after the
 * production-build suite of playwright.config.ts (`npm run test:e2e` runs both). One at a time: Next allows one
 * `next dev` per folder. Pages compile on first visit, so steps wait for events with generous bounds.
 * E2E_PORT_BASE (default 3510) places them: the demo on base + 20 (its fake providers on base + 1020), the
 * restarted dev server on base + 21.
 */
const PORT_BASE = Number(process.env.E2E_PORT_BASE || 3510);
export const DEV_PORTS = { demo: PORT_BASE + 20, demoFakes: PORT_BASE + 1020, restart: PORT_BASE + 21 };

export default defineConfig({
  testDir: "tests/e2e-dev",
  outputDir: "test-results/e2e-dev",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 15 * 60_000,
  expect: { timeout: 120_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: CHROMIUM,
    navigationTimeout: 180_000,
    actionTimeout: 120_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
