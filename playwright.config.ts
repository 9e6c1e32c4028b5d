import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM } from "./dev/chromium";
import { fakeProviderEnv } from "./dev/fake-providers/server";

/**
 * Browser tests against a production build (`npm run test:e2e` builds first), in Debian's Chromium. Three
 * servers: the fake providers, the app on a fresh PGlite folder, and a second app with the key feature off.
 * Values are fixed through process.env so the config evaluates the same in the runner and in its workers.
 * E2E_PORT_BASE (default 3510) moves all three, so several people can run the suite on one machine: the app on
 * the base, the flag-off app on base + 1, the fake providers on base + 1000.
 */
const env = process.env;
env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "byok-e2e-"));
env.E2E_KEYRING ??= `e2e:${randomBytes(32).toString("base64")}`;
env.E2E_SECRET ??= randomBytes(32).toString("base64");

const PORT_BASE = Number(env.E2E_PORT_BASE || 3510);
if (!Number.isInteger(PORT_BASE) || PORT_BASE < 1024 || PORT_BASE > 64_000) {
  throw new Error(`E2E_PORT_BASE must be a port number between 1024 and 64000, got "${env.E2E_PORT_BASE}"`);
}
export const APP_PORT = PORT_BASE;
export const FLAG_OFF_PORT = PORT_BASE + 1;
/** E2E_FAKE_PORT puts the fake providers elsewhere (a range of ports that base + 1000 would leave). */
export const FAKE_PORT = Number(env.E2E_FAKE_PORT || PORT_BASE + 1000);
/** The fake providers, for their control endpoints (e.g. POST /__control/revoke). */
export const FAKE_PROVIDERS_URL = `http://127.0.0.1:${FAKE_PORT}`;
/** An account with keys at work (usage, a rejected key…), seeded into the app's database before it starts. */
export const DEMO_ACCOUNT = { email: "demo@keys-at-work.test", password: "correct horse battery staple" };
/** Everything the app on APP_PORT writes (its log), also kept here for tests to read (no-javascript.spec.ts). */
export const APP_LOG = join(env.E2E_DATA_DIR!, "app.log");

function appServer(port: number, dataDir: string, extra: Record<string, string> = {}, before = "", log?: string) {
  return {
    command: `${before}npx next start -p ${port}${log ? ` 2>&1 | tee -a ${log}` : ""}`,
    url: `http://localhost:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      NODE_ENV: "production",
      PGLITE_DIR: join(env.E2E_DATA_DIR!, dataDir),
      API_KEY_ENCRYPTION_KEYS: env.E2E_KEYRING!,
      NEXTAUTH_SECRET: env.E2E_SECRET!,
      NEXTAUTH_URL: `http://localhost:${port}`,
      PROVIDER_TIMEOUT_MS: "3000",
      // Custom endpoints may point at the fake providers' OpenAI-compatible mounts (tests/e2e/endpoints.spec.ts).
      ALLOWED_ENDPOINT_HOSTS: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "true", // as `npm start`: the app's graceful shutdown (lib/shutdown.ts)
      DEMO_EMAIL: DEMO_ACCOUNT.email,
      DEMO_PASSWORD: DEMO_ACCOUNT.password,
      ...fakeProviderEnv(`http://127.0.0.1:${FAKE_PORT}`),
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${APP_PORT}`,
    browserName: "chromium",
    launchOptions: CHROMIUM,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      command: "npx tsx scripts/fake-providers.ts",
      port: FAKE_PORT,
      reuseExistingServer: false,
      env: { FAKE_PROVIDERS_PORT: String(FAKE_PORT), FAKE_PROVIDERS_SLOW_MS: "15000" },
    },
    appServer(APP_PORT, "app", {}, "npx tsx --conditions=react-server dev/seed-demo-account.ts && ", APP_LOG),
    appServer(FLAG_OFF_PORT, "flag-off", { FEATURE_FLAGS: "showApiKeyManagement=false" }),
  ],
});
