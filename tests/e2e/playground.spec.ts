import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { FAKE_PROVIDERS_URL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { mask, signUpAndSignIn, testKey } from "./helpers";

/**
 * The playground end to end: a key saved in Settings, the answer streamed from the fake provider through the
 * app into the page while the fake is still sending, Stop, the mask and the tokens; axe in both themes, at
 * desktop and phone widths. The fake's pacing is shared, so these tests run one after another.
 */
test.describe.configure({ mode: "serial" });

async function pace(page: Page, chunks: number, intervalMs: number) {
  const answer = await page.request.post(`${FAKE_PROVIDERS_URL}/__control/chat`, { data: { chunks, intervalMs } });
  expect(answer.status()).toBe(200);
}

async function saveKey(page: Page, registryId: string, name: string, key: string) {
  await page
    .getByTestId(`provider-card-${registryId}`)
    .getByRole("button", { name: /(Add|Update) API Key/ })
    .click();
  const dialog = page.getByRole("dialog", { name: `${name} API Key` });
  await dialog.getByLabel("API Key", { exact: true }).fill(key);
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
}

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(summary, `${what}: axe violations`).toEqual([]);
}

test.afterAll(async ({ request }) => {
  await request.post(`${FAKE_PROVIDERS_URL}/__control/chat`, { data: { chunks: 5, intervalMs: 0 } });
});

test("save a key, open the playground from its card, watch the answer stream, stop it, see the mask and tokens", async ({
  page,
}) => {
  await signUpAndSignIn(page, "pat");
  // No key yet: the playground says so and leads back to Settings.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Playground" }).click();
  await expect(page).toHaveURL(/\/playground$/);
  await expect(page.getByRole("heading", { name: "No key to chat with yet" })).toBeVisible();
  await page.getByRole("link", { name: "Add a key in Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);

  const key = testKey("valid");
  await saveKey(page, "anthropic", "Anthropic", key);
  await page.getByTestId("provider-card-anthropic").getByRole("link", { name: "Try it in the Playground" }).click();
  await expect(page).toHaveURL(/\/playground\?provider=/);
  await expect(page.getByRole("combobox", { name: "Provider" })).toHaveValue(/.+/);
  await expect(page.getByRole("combobox", { name: "Provider" }).locator("option:checked")).toHaveText("Anthropic");

  // The fake lists Anthropic's models; pick one.
  const model = page.getByRole("combobox", { name: "Model" });
  await expect(model).toBeEnabled();
  await model.selectOption("claude-sonnet-4-5");

  // 40 chunks 100 ms apart: four seconds of answer.
  await pace(page, 40, 100);
  const prompt = page.getByRole("textbox", { name: "Message" });
  await prompt.fill("Say hello");
  await prompt.press("Enter");
  const answer = page.getByTestId("assistant-message").last();
  // Text on the page while the fake is still sending (the answer is marked as streaming, Stop is offered).
  await expect(answer).toContainText("Hello from the fake provider.");
  await expect(answer).toHaveAttribute("data-streaming", "true");
  await expect(answer).not.toContainText("w39");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  await expect(answer).not.toHaveAttribute("data-streaming", "true");
  const stoppedAt = await answer.textContent();
  await page.waitForTimeout(500);
  expect(await answer.textContent()).toBe(stoppedAt);
  expect(stoppedAt).not.toContain("w39");
  await expect(answer.getByTestId("answer-key")).toHaveText(mask(key));

  // A whole answer: the mask and the tokens (5 in, one per chunk out).
  await pace(page, 6, 10);
  await prompt.fill("Again, with **markdown**");
  await page.getByRole("button", { name: "Send" }).click();
  const second = page.getByTestId("assistant-message").nth(1);
  await expect(second.getByTestId("answer-tokens")).toHaveText("· 5 tokens in, 6 out");
  await expect(second.getByTestId("answer-key")).toHaveText(mask(key));
  await expect(page.getByTestId("user-message")).toHaveCount(2);

  // Shift+Enter is a new line, not a send.
  await prompt.press("Shift+Enter");
  await expect(page.getByTestId("user-message")).toHaveCount(2);

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("assistant-message")).toHaveCount(0);
});

test("a key the provider rejects: the classification and a link to fix it; the card turns red", async ({ page }) => {
  await signUpAndSignIn(page, "quinn");
  const key = testKey("valid");
  await saveKey(page, "openai", "OpenAI", key);
  await page.request.post(`${FAKE_PROVIDERS_URL}/__control/revoke`, { data: { key } });
  try {
    await page.goto("/playground");
    const model = page.getByRole("textbox", { name: "Model" }); // the revoked key cannot list models: typed instead
    await model.fill("gpt-4o-mini");
    await page.getByRole("textbox", { name: "Message" }).fill("Hi");
    await page.getByRole("button", { name: "Send" }).click();
    const alert = page.getByTestId("chat-error");
    await expect(alert).toContainText("Key rejected");
    await expect(alert).toContainText("OpenAI rejected your key (HTTP 401).");
    await alert.getByRole("link", { name: "Fix the key in Settings" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByTestId("provider-card-openai").getByTestId("health-badge")).toHaveText("Rejected");
  } finally {
    await page.request.post(`${FAKE_PROVIDERS_URL}/__control/restore`, { data: { key } });
  }
});

for (const theme of ["light", "dark"] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test(`the playground passes axe, empty and with an answer, at desktop and phone widths (${theme}); screenshots`, async ({
      page,
    }) => {
      await signUpAndSignIn(page, `pg-${theme}`);
      await saveKey(page, "groq", "Groq", testKey("valid"));
      await page.goto("/playground");
      await expect(page.locator("html")).toHaveClass(new RegExp(theme));
      await expect(page.getByRole("combobox", { name: "Model" })).toBeEnabled();
      await expectNoViolations(page, `/playground empty (${theme})`);

      await pace(page, 5, 0);
      await page.getByRole("textbox", { name: "Message" }).fill("Hello");
      await page.keyboard.press("Enter");
      await expect(page.getByTestId("answer-tokens")).toBeVisible();
      await expectNoViolations(page, `/playground with an answer (${theme})`);

      for (const [size, viewport] of Object.entries({
        desktop: { width: 1280, height: 900 },
        phone: { width: 390, height: 844 },
      })) {
        await page.setViewportSize(viewport);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${size}: no sideways scrolling`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `test-results/screenshots/playground-${size}-${theme}.png`, fullPage: true });
      }
      await expectNoViolations(page, `/playground at phone width (${theme})`);
    });
  });
}
