import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, type WebSocket, test } from "@playwright/test";
import { DEV_PORTS } from "../../playwright.dev.config";
import { answers, type DevProcess, startProcess } from "./processes";

/**
 * `next dev` restarted under an open /settings page (as a newcomer restarts it to apply a variable): the page
 * reloads once to the new server and then stays put while the server compiles other pages. Before
 * next.config.ts turned off Turbopack's persisted dev cache, a restarted server answered each new HMR
 * subscription of the page with a "restart" of its client entry, and the page reloaded itself every second or
 * two ("HMR hash mismatch" on the other sockets). The same server, with NEXTAUTH_URL set, sends a form posted
 * without JavaScript from another of its addresses to the form at NEXTAUTH_URL.
 */
const require = createRequire(import.meta.url);
const PORT = DEV_PORTS.restart;
const SITE = `http://localhost:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), "byok-dev-restart-"));
const account = { email: `restart.${Date.now()}@example.test`, password: "correct horse battery staple" };
let server: DevProcess;

function startDev(): DevProcess {
  return startProcess(process.execPath, [require.resolve("next/dist/bin/next"), "dev", "-p", String(PORT)], {
    PGLITE_DIR: join(dataDir, "pglite"),
    NEXTAUTH_URL: SITE,
  });
}

/**
 * The page's document loads since `reset`, and what its HMR sockets received: compile passes announced, the
 * sockets connected, and reload orders ("restart" updates, reloadPage) received by the document now shown (a
 * reload order to the page from before the last load is what made that load).
 */
function watch(page: Page) {
  const seen = { documents: 0, built: 0, restarts: 0, connected: 0 };
  const listen = (ws: WebSocket) =>
    ws.on("framereceived", ({ payload }) => {
      const text = String(payload);
      if (text.includes('"type":"built"')) seen.built++;
      if (text.includes('"type":"turbopack-connected"')) seen.connected++;
      if (text.includes('"restart"') || text.includes("reloadPage")) seen.restarts++;
    });
  page.on("websocket", listen);
  page.on("request", (request) => {
    if (request.resourceType() !== "document" || request.frame() !== page.mainFrame()) return;
    seen.documents++;
    seen.restarts = 0;
  });
  return { seen, reset: () => Object.assign(seen, { documents: 0, built: 0, restarts: 0, connected: 0 }) };
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  server = startDev();
  await answers(`${SITE}/api/health`);
  const created = await fetch(`${SITE}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  expect(created.status).toBe(201);
});

test.afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  rmSync(dataDir, { recursive: true, force: true });
});

test("after a restart the open page reloads once, then settles while other pages compile", async ({
  page,
  context,
}) => {
  const { seen, reset } = watch(page);
  await page.goto(`${SITE}/login?callbackUrl=%2Fsettings`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Provider API Keys" })).toBeVisible();
  await expect.poll(() => seen.connected).toBeGreaterThan(0);

  reset();
  expect(await server.stop()).toBe(0);
  server = startDev();
  await answers(`${SITE}/api/health`);
  // The page finds the new server and reloads once (its HMR session is gone), then connects again.
  await expect.poll(() => seen.documents).toBe(1);
  await expect(page.getByRole("heading", { name: "Provider API Keys" })).toBeVisible();
  await expect.poll(() => seen.connected).toBeGreaterThan(0);
  await page.evaluate(() => ((window as unknown as { settled: boolean }).settled = true));

  // Other pages compile (each compile pass is announced to the open page): the page stays as it is.
  const other = await context.newPage();
  for (const path of ["/playground", "/register", "/api/openapi.json"]) {
    const builtBefore = seen.built;
    expect((await other.goto(`${SITE}${path}`))?.status()).toBeLessThan(400);
    await expect.poll(() => seen.built, `a compile pass announced after ${path}`).toBeGreaterThan(builtBefore);
  }
  await other.close();
  await expect(page.getByRole("heading", { name: "Provider API Keys" })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { settled?: boolean }).settled)).toBe(true);
  expect(seen).toMatchObject({ documents: 1, restarts: 0 });
});

test("a sign-in posted without JavaScript from 127.0.0.1 goes to the form at NEXTAUTH_URL", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/login`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${SITE}/login?error=other_address`);
  await expect(page.getByText("You opened this site at another of its addresses")).toBeVisible();
  await expect(page.getByText(/sent from another site/)).toHaveCount(0);
  // Here, at its own address, the same form signs in.
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${SITE}/settings`);
  await context.close();
});
