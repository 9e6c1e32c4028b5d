import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { DEMO_ACCOUNT, DEMO_KEYS } from "../../dev/demo-account";
import { DEV_PORTS } from "../../playwright.dev.config";
import { type DevProcess, startProcess } from "./processes";

/**
 * The README's demo path, as a newcomer walks it, from a fresh data folder: `npm run demo`, sign in as the demo
 * account, paste the demo key, test it, list its models, add a second key, disable the first, the playground
 * answers (with the second key), stop an answer, a key rejected mid-conversation, the activity, sign out. The state
 * text is asserted on the way; axe runs on every page in both themes; screenshots of each step in light, dark and
 * at 390 px land in test-results/screenshots/demo-*.png.
 */
const SITE = `http://localhost:${DEV_PORTS.demo}`;
const FAKES = `http://127.0.0.1:${DEV_PORTS.demoFakes}`;
const dataDir = mkdtempSync(join(tmpdir(), "byok-demo-"));
let demo: DevProcess;

/** The masks of the user's keys by label, as the API lists them (the masking rule is the server's to choose). */
async function masks(page: Page): Promise<Record<string, string>> {
  const rows = (await (await page.request.get(`${SITE}/api/user/api-keys`)).json()) as {
    label: string;
    apiKey: string;
    providerId: string;
  }[];
  return Object.fromEntries(rows.map((row) => [row.label, row.apiKey]));
}

let step = 0;
/**
 * The page as it is now, in light and dark at desktop width, and in light at 390 px (nothing wider than that);
 * the whole page, or what the screen shows while a dialog is open (a fixed overlay covers only the screen).
 */
async function screenshots(page: Page, name: string, { dialog = false } = {}) {
  const prefix = `test-results/screenshots/demo-${String(++step).padStart(2, "0")}-${name}`;
  const fullPage = !dialog;
  await page.screenshot({ path: `${prefix}-light.png`, fullPage });
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.screenshot({ path: `${prefix}-dark.png`, fullPage });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${prefix}-390.png`, fullPage });
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    `${name} at 390 px`,
  ).toBe(0);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** axe-core, WCAG 2.2 AA and best practice, in the light theme and the dark one: no violation. */
async function accessible(page: Page, what: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveClass(scheme === "dark" ? /dark/ : /light/);
    const results = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
      .analyze();
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      `${what} (${scheme})`,
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test.beforeAll(async () => {
  demo = startProcess("npm", ["run", "demo"], {
    PORT: String(DEV_PORTS.demo),
    FAKE_PROVIDERS_PORT: String(DEV_PORTS.demoFakes),
    DEMO_DATA_DIR: dataDir,
  });
  await demo.printed(`Keyring demo: open ${SITE}`);
});

test.afterAll(async () => {
  // Ctrl-C stops the app and the fakes: neither answers afterwards.
  await demo?.stop();
  expect(
    await fetch(`${SITE}/api/health/live`).then(
      () => "answered",
      () => "gone",
    ),
  ).toBe("gone");
  expect(
    await fetch(`${FAKES}/openai/v1/models`).then(
      () => "answered",
      () => "gone",
    ),
  ).toBe("gone");
  rmSync(dataDir, { recursive: true, force: true });
});

test("the demo, as the README tells it", async ({ page }) => {
  const hydration: string[] = [];
  page.on("console", (message) => {
    if (/hydrat/i.test(message.text())) hydration.push(message.text());
  });
  // In development the browser's client parses every answer with its operation's schema (lib/client/api.ts) and
  // throws on a mismatch: the demo's every call is a check of the server's real answers against the document.
  const mismatches: string[] = [];
  page.on("pageerror", (error) => {
    if (/does not match its schema/.test(error.message)) mismatches.push(error.message);
  });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The banner says what to do: which account, which keys.
  expect(demo.output()).toContain(`Sign in as ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password}`);
  expect(demo.output()).toContain(DEMO_KEYS.valid);

  await page.goto(`${SITE}/login`);
  await page.getByLabel("Email").fill(DEMO_ACCOUNT.email);
  await page.getByLabel("Password").fill(DEMO_ACCOUNT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Provider API Keys" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();
  const openai = page.getByTestId("provider-card-openai");
  await expect(openai.getByText("API Key Required")).toBeVisible();
  await screenshots(page, "settings-empty");

  await test.step("paste the demo key, test it, save it", async () => {
    await openai.getByRole("button", { name: "Add API Key" }).click();
    const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
    await dialog.getByLabel("API Key", { exact: true }).fill(DEMO_KEYS.valid);
    await dialog.getByRole("button", { name: "Test key" }).click();
    await expect(dialog.getByRole("status")).toContainText("Verified");
    await screenshots(page, "first-key-tested", { dialog: true });
    await dialog.getByRole("button", { name: "Save API Key" }).click();
    await expect(dialog).toBeHidden();
    await expect(openai.getByText("API Key Set")).toBeVisible();
    const first = (await masks(page)).Default!;
    expect(first).not.toContain(DEMO_KEYS.valid);
    await expect(openai.getByTestId("masked-key")).toHaveText(first);
  });

  await test.step("its models", async () => {
    await openai.getByRole("button", { name: "Show models" }).click();
    await expect(openai.getByTestId("model-list")).toContainText("gpt-4o-mini");
  });

  await test.step("a second key, then the first disabled: the second serves", async () => {
    await openai.getByRole("button", { name: "Add another key" }).click();
    const dialog = page.getByRole("dialog", { name: "Add another OpenAI key" });
    await expect(dialog.getByRole("link", { name: /Get a key from OpenAI/ })).toBeVisible();
    await dialog.getByLabel("Label").fill("Backup");
    await dialog.getByLabel("API Key", { exact: true }).fill(DEMO_KEYS.second);
    await dialog.getByRole("button", { name: "Show key" }).click();
    await expect(dialog.getByLabel("API Key", { exact: true })).toHaveAttribute("type", "text");
    await screenshots(page, "add-another-key", { dialog: true });
    await dialog.getByRole("button", { name: "Save API Key" }).click();
    await expect(dialog).toBeHidden();
    await expect(openai.getByTestId("key-item-Default").getByText("Primary")).toBeVisible();

    await openai.getByRole("switch", { name: "Use the OpenAI key Default" }).click();
    await expect(page.getByText("Disabled “Default”")).toBeVisible();
    await expect(openai.getByTestId("key-item-Backup").getByText("Primary")).toBeVisible();
    await expect(openai.getByTestId("key-item-Default").getByText("Primary")).toHaveCount(0);
    await expect(openai.getByRole("button", { name: /^(Show|Hide) models$/ })).toBeVisible();
    await expect(openai.getByTestId("playground-link")).toBeVisible();
    await accessible(page, "/settings with two keys");
    await screenshots(page, "second-key-serves");
  });

  await test.step("a key the provider rejects: 'You can still save it.' goes once the save fails", async () => {
    const anthropic = page.getByTestId("provider-card-anthropic");
    await anthropic.getByRole("button", { name: "Add API Key" }).click();
    const dialog = page.getByRole("dialog", { name: "Anthropic API Key" });
    await dialog.getByLabel("API Key", { exact: true }).fill(DEMO_KEYS.invalid);
    await expect(
      dialog.getByText(
        "This doesn't look like an Anthropic key (they usually start with sk-ant- and have 20 or more letters and digits after it). You can still save it.",
      ),
    ).toBeVisible();
    await dialog.getByRole("button", { name: "Save API Key" }).click();
    await expect(dialog.getByRole("alert")).toContainText("rejected");
    await expect(
      dialog.getByText(
        "This doesn't look like an Anthropic key (they usually start with sk-ant- and have 20 or more letters and digits after it).",
        { exact: true },
      ),
    ).toBeVisible();
    await expect(dialog.getByText(/You can still save it/)).toHaveCount(0);
    await screenshots(page, "rejected-key", { dialog: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("the playground answers with the second key; chat models only", async () => {
    await openai.getByTestId("playground-link").click();
    await expect(page.getByRole("heading", { name: "Playground" })).toBeVisible();
    const model = page.getByRole("combobox", { name: "Model" });
    await expect(model).toBeEnabled();
    await expect(model.locator("option")).not.toHaveText([/text-embedding/]);
    expect(await model.locator("option").allTextContents()).not.toContainEqual(expect.stringContaining("embedding"));
    await send(page, "Hello!");
    const answer = page.getByTestId("assistant-message").last();
    await expect(answer).toContainText("Hello from the fake provider.");
    await expect(answer.getByTestId("answer-facts")).toHaveAttribute("data-outcome", "answered");
    await expect(answer.getByTestId("answer-key")).toHaveText((await masks(page)).Backup!);
    await accessible(page, "/playground with an answer");
    await screenshots(page, "playground-answered");
  });

  await test.step("Stop: the answer says Stopped", async () => {
    expect((await page.request.post(`${FAKES}/__control/chat`, { data: { chunks: 400, intervalMs: 50 } })).ok()).toBe(
      true,
    );
    const answers = page.getByTestId("assistant-message");
    const before = await answers.count();
    await send(page, "Tell me a long story.");
    const answer = answers.nth(before);
    // Its first words have arrived, and more are coming.
    await expect(answer).toContainText("Hello from the fake provider.");
    await expect(answer).toHaveAttribute("data-streaming", "true");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answer.getByTestId("answer-facts")).toHaveText(
      `Stopped · with your key ${(await masks(page)).Backup}`,
    );
    await page.request.post(`${FAKES}/__control/chat`, { data: { chunks: 5, intervalMs: 250 } });
    await screenshots(page, "playground-stopped");
  });

  await test.step("the key rejected mid-conversation: Rejected, never Answered", async () => {
    await page.request.post(`${FAKES}/__control/revoke`, { data: { key: DEMO_KEYS.second } });
    try {
      const before = await page.getByTestId("assistant-message").count();
      await send(page, "And now?");
      await expect(page.getByTestId("chat-error")).toContainText("Key rejected");
      await expect(page.getByTestId("assistant-message").nth(before).getByTestId("answer-facts")).toHaveText(
        `Rejected with your key ${(await masks(page)).Backup}`,
      );
      await screenshots(page, "playground-rejected");
    } finally {
      await page.request.post(`${FAKES}/__control/restore`, { data: { key: DEMO_KEYS.second } });
    }
  });

  await test.step("the activity tells it all", async () => {
    await page.goto(`${SITE}/settings`);
    const activity = page.getByTestId("activity-list");
    await expect(activity).toContainText("Disabled the OpenAI key");
    await expect(activity).toContainText("Added the OpenAI key “Backup”");
    await activity.scrollIntoViewIfNeeded();
    await accessible(page, "/settings after the walk");
    await screenshots(page, "activity");
  });

  await test.step("the theme toggle names the theme it switches to; sign out says so", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();
    await page.getByRole("button", { name: "Switch to light theme" }).click();
    await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();
    // Back to following the system's theme (the choice is kept in localStorage), for the checks below.
    await page.evaluate(() => localStorage.removeItem("theme"));
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByTestId("signed-out")).toHaveText("You have signed out.");
    await accessible(page, "/login after signing out");
    await screenshots(page, "signed-out");
  });

  expect(hydration, "hydration warnings in the console").toEqual([]);
  expect(mismatches, "answers that do not match their schemas").toEqual([]);
});

async function send(page: Page, text: string) {
  const prompt: Locator = page.getByRole("textbox", { name: "Message" });
  await prompt.fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}
