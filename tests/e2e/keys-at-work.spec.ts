import { expect, type Locator, type Page, test } from "@playwright/test";
import { FAKE_PROVIDERS_URL } from "../../playwright.config";
import { signInAsDemo, signUpAndSignIn, testKey } from "./helpers";

/**
 * Keys at work in the browser: a key its provider starts rejecting turns red after the next contact, the notice
 * appears at the top and goes when the user acts, the activity panel tells the story, models load on demand,
 * and a key with usage shows its 30-day chart.
 */
const card = (page: Page, registryId: string): Locator => page.getByTestId(`provider-card-${registryId}`);

async function saveKey(page: Page, registryId: string, name: string, key: string) {
  await card(page, registryId)
    .getByRole("button", { name: /(Add|Update) API Key/ })
    .click();
  const dialog = page.getByRole("dialog", { name: `${name} API Key` });
  await dialog.getByLabel("API Key", { exact: true }).fill(key);
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
}

async function control(page: Page, action: "revoke" | "restore", key: string) {
  const answer = await page.request.post(`${FAKE_PROVIDERS_URL}/__control/${action}`, { data: { key } });
  expect(answer.status()).toBe(200);
}

test("a key its provider starts rejecting turns red at the next contact, with the notice and an activity entry", async ({
  page,
}) => {
  await signUpAndSignIn(page, "erin");
  const key = testKey("valid");
  await saveKey(page, "openai", "OpenAI", key);
  const openai = card(page, "openai");
  await expect(openai.getByText(/^Verified/)).toBeVisible();
  await expect(page.getByTestId("rejected-keys-notice")).toHaveCount(0);

  // The models, on demand: the fake lists five for OpenAI.
  await openai.getByRole("button", { name: "Show models" }).click();
  await expect(openai.getByText("5 models available with this key")).toBeVisible();
  await expect(openai.getByTestId("model-list").getByRole("listitem")).toHaveCount(5);
  await openai.getByRole("button", { name: "Hide models" }).click();

  // OpenAI starts rejecting the key; the next contact (a test of the saved key) finds out. (The models list
  // just fetched stays cached for up to 10 minutes: it is not a contact.)
  await control(page, "revoke", key);
  await openai.getByRole("button", { name: "Update API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
  await dialog.getByRole("button", { name: "Test saved key" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("OpenAI rejected this key.");
  await expect(page.getByTestId("rejected-keys-notice")).toContainText("Your OpenAI API key was rejected by OpenAI");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(openai.getByTestId("health-badge")).toHaveText("Rejected");
  const activity = page.getByTestId("activity-list");
  await expect(activity.getByRole("listitem").first()).toContainText(
    "The OpenAI key is now rejected (was working), found by a test",
  );

  // It is the server's state, not the page's: after a reload everything is still there.
  await page.reload();
  await expect(card(page, "openai").getByTestId("health-badge")).toHaveText("Rejected");
  await expect(card(page, "openai").getByTestId("health-line")).toContainText("OpenAI rejected this key. Checked");
  await expect(page.getByTestId("rejected-keys-notice")).toBeVisible();
  await page.getByTestId("rejected-keys-notice").getByRole("link", { name: "Go to the OpenAI key" }).click();
  await expect(page).toHaveURL(/#provider-openai$/);

  // The user acts: the key works again and a test says so; the notice goes.
  await control(page, "restore", key);
  await card(page, "openai").getByRole("button", { name: "Update API Key" }).click();
  await dialog.getByRole("button", { name: "Test saved key" }).click();
  await expect(dialog.getByRole("status")).toContainText("Verified with OpenAI");
  await expect(page.getByTestId("rejected-keys-notice")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(card(page, "openai").getByTestId("health-badge")).toHaveCount(0);
  await expect(activity.getByRole("listitem").first()).toContainText(
    "The OpenAI key is now working (was rejected), found by a test",
  );
});

test("a models fetch finds a rejected key too; the notice goes when it is disabled; the activity panel pages", async ({
  page,
}) => {
  await signUpAndSignIn(page, "frank");
  const key = testKey("valid");
  await saveKey(page, "groq", "Groq", key);
  // The sign-in, the save, 22 toggles, the health change and the last toggle: 26 events, more than a page of 20.
  for (let i = 0; i < 22; i++) {
    await card(page, "groq").getByRole("switch").click();
    await expect(card(page, "groq").getByRole("switch")).toBeChecked({ checked: i % 2 === 1 });
  }
  await control(page, "revoke", key);
  await card(page, "groq").getByRole("button", { name: "Show models" }).click();
  await expect(page.getByTestId("rejected-keys-notice")).toBeVisible();
  await card(page, "groq").getByRole("switch").click();
  await expect(page.getByTestId("rejected-keys-notice")).toHaveCount(0);

  await page.reload();
  const items = page.getByTestId("activity-list").getByRole("listitem");
  await expect(items).toHaveCount(20);
  await expect(items.first()).toContainText("Disabled the Groq key");
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(items).toHaveCount(26);
  await expect(items.nth(24)).toContainText("Added the Groq key");
  await expect(items.last()).toContainText("Signed in");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await control(page, "restore", key);
});

test("a key with usage shows when it was used, its tokens and a 30-day chart", async ({ page }) => {
  await signInAsDemo(page);
  const openai = card(page, "openai");
  await expect(openai.getByTestId("usage-line")).toHaveText(
    /^Used (just now|\d+ minutes? ago) · [\d.]+k tokens in 30 days · \d+ failed$/,
  );
  const chart = openai.getByRole("img");
  await expect(chart).toHaveAttribute(
    "aria-label",
    /^Requests per day over the last 30 days: \d+ in all, \d+ failed; busiest /,
  );
  expect(await chart.locator("[data-day]").count()).toBe(30);
  expect(await chart.locator("rect.fill-primary").count()).toBeGreaterThan(15);
  await expect(card(page, "anthropic").getByTestId("health-badge")).toHaveText("Rejected");
  await expect(card(page, "google").getByTestId("health-badge")).toHaveText("Limited");
  await expect(page.getByTestId("rejected-keys-notice")).toContainText("Anthropic");
  await expect(
    page
      .getByTestId("activity-list")
      .getByText("The Anthropic key is now rejected (was working), found by a scheduled re-check"),
  ).toBeVisible();
});
