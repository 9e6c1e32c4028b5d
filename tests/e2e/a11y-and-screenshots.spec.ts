import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAsDemo, signUpAndSignIn, testKey } from "./helpers";

/**
 * axe-core on every page in both themes (zero violations, WCAG 2.2 AA rules), and screenshots of desktop and
 * phone widths in light and dark, written under test-results/screenshots/ by the run.
 */
const THEMES = ["light", "dark"] as const;
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary, `${what}: axe violations`).toEqual([]);
  console.log(`axe ${what}: 0 violations, ${results.passes.length} rules passed`);
}

async function prepareSettings(page: Page) {
  await signUpAndSignIn(page, "a11y");
  // One key saved, one disabled, so every card state is on the page.
  for (const [id, name] of [["openai", "OpenAI"], ["anthropic", "Anthropic"]] as const) {
    await page.getByTestId(`provider-card-${id}`).getByRole("button", { name: "Add API Key" }).click();
    const dialog = page.getByRole("dialog", { name: `${name} API Key` });
    await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
    await dialog.getByRole("button", { name: "Save API Key" }).click();
    await expect(dialog).toBeHidden();
  }
  await page.getByTestId("provider-card-anthropic").getByRole("switch").click();
  await expect(page.getByText("Anthropic API key disabled")).toBeVisible();
}

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test("login and register pass axe", async ({ page }) => {
      for (const path of ["/login", "/register"]) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveClass(new RegExp(theme));
        await expectNoViolations(page, `${path} (${theme})`);
      }
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByText("Enter a valid email address.")).toBeVisible();
      await expectNoViolations(page, `/register with errors (${theme})`);
    });

    test("settings passes axe, with the dialog open too; screenshots", async ({ page }) => {
      await prepareSettings(page);
      await page.reload();
      await expect(page.getByRole("heading", { name: "Provider API Keys" })).toBeVisible();
      await expectNoViolations(page, `/settings (${theme})`);

      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: `test-results/screenshots/settings-${size}-${theme}.png`, fullPage: true });
      }
      await page.setViewportSize(SIZES.desktop);
      await page.getByTestId("provider-card-openai").getByRole("button", { name: "Update API Key" }).click();
      const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
      await dialog.getByLabel("API Key", { exact: true }).fill(testKey("invalid"));
      await dialog.getByRole("button", { name: "Save API Key" }).click();
      await expect(dialog.getByRole("alert")).toBeVisible();
      await expectNoViolations(page, `/settings key dialog with an error (${theme})`);
      await page.screenshot({ path: `test-results/screenshots/key-dialog-desktop-${theme}.png` });
      await page.setViewportSize(SIZES.phone);
      await page.screenshot({ path: `test-results/screenshots/key-dialog-phone-${theme}.png` });
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();

      await page.setViewportSize(SIZES.desktop);
      await page.getByRole("button", { name: "Delete account" }).click();
      const confirm = page.getByRole("alertdialog", { name: "Delete your account?" });
      await confirm.getByRole("button", { name: "Delete account" }).click();
      await expect(confirm.getByText("Enter your password.")).toBeVisible();
      await expectNoViolations(page, `/settings delete-account dialog with an error (${theme})`);
      await page.screenshot({ path: `test-results/screenshots/delete-account-desktop-${theme}.png` });
    });

    test("a card with several keys and the playground pass axe; screenshots", async ({ page }) => {
      await signUpAndSignIn(page, "a11y-several");
      const openai = page.getByTestId("provider-card-openai");
      await openai.getByRole("button", { name: "Add API Key" }).click();
      let dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
      await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
      await dialog.getByRole("button", { name: "Save API Key" }).click();
      await expect(dialog).toBeHidden();
      await openai.getByRole("button", { name: "Add another key" }).click();
      dialog = page.getByRole("dialog", { name: "Add another OpenAI key" });
      await dialog.getByLabel("Label").fill("Backup");
      await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
      await expectNoViolations(page, `/settings add-another-key dialog (${theme})`);
      await dialog.getByRole("button", { name: "Save API Key" }).click();
      await expect(dialog).toBeHidden();
      await openai.getByRole("switch", { name: "Use the OpenAI key Default" }).click();
      await expect(openai.getByTestId("key-item-Backup").getByText("Primary")).toBeVisible();
      await openai.getByRole("button", { name: "Models of Backup" }).click();
      await expect(openai.getByTestId("key-item-Backup").getByTestId("model-list")).toBeVisible();
      await openai.getByRole("button", { name: "Rename Backup" }).click();
      await expect(openai.getByLabel("New label")).toBeFocused();
      await expectNoViolations(page, `/settings with several keys (${theme})`);
      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        await openai.screenshot({ path: `test-results/screenshots/several-keys-${size}-${theme}.png` });
      }
      await page.setViewportSize(SIZES.desktop);

      await page.goto("/playground");
      await page.getByRole("textbox", { name: "Message" }).fill("Hello");
      await expect(page.getByRole("combobox", { name: "Model" })).toBeEnabled();
      await page.getByRole("button", { name: "Send" }).click();
      await expect(page.getByTestId("answer-facts")).toContainText("Answered with your key");
      await expectNoViolations(page, `/playground with an answer (${theme})`);
      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: `test-results/screenshots/playground-${size}-${theme}.png`, fullPage: true });
      }
    });

    test("keys at work pass axe: health badges, the notice, usage and its chart, a models list, the activity panel", async ({ page }) => {
      await signInAsDemo(page);
      await expect(page.getByTestId("rejected-keys-notice")).toBeVisible();
      const openai = page.getByTestId("provider-card-openai");
      await expect(openai.getByRole("img")).toBeVisible();
      await openai.getByRole("button", { name: "Show models" }).click();
      await expect(openai.getByTestId("model-list")).toBeVisible();
      await expect(page.getByTestId("activity-list")).toBeVisible();
      await expectNoViolations(page, `/settings with keys at work (${theme})`);
      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: `test-results/screenshots/keys-at-work-${size}-${theme}.png`, fullPage: true });
      }
      // Phone width: nothing wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
    });
  });
}
