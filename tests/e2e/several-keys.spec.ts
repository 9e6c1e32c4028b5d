import type { Locator, Page } from "@playwright/test";
import { FAKE_PROVIDERS_URL } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { mask, signUpAndSignIn, testKey } from "./helpers";

/**
 * Several keys per provider in the browser: adding a second key, reordering with the keyboard (move up/down
 * buttons, the focus staying on the key moved), the expiry badges, and a user with one key seeing a list of one.
 */
const card = (page: Page, registryId: string): Locator => page.getByTestId(`provider-card-${registryId}`);

async function saveFirstKey(page: Page, key: string) {
  await card(page, "openai").getByRole("button", { name: "Add API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
  await dialog.getByLabel("API Key", { exact: true }).fill(key);
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
}

async function addAnotherKey(page: Page, label: string, key: string, expires?: string) {
  await card(page, "openai").getByRole("button", { name: "Add another key" }).click();
  const dialog = page.getByRole("dialog", { name: "Add another OpenAI key" });
  await dialog.getByLabel("Label").fill(label);
  await dialog.getByLabel("API Key", { exact: true }).fill(key);
  if (expires) await dialog.getByLabel("Expires (optional)").fill(expires);
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
}

/** The labels in the card's list, in order. */
const order = (page: Page) =>
  card(page, "openai")
    .getByTestId("key-list")
    .getByRole("listitem")
    .evaluateAll((items: Element[]) => items.map((i) => i.getAttribute("data-testid")));

test("a second key: added with its label, listed after the first, the primary marked; a single key is a list of one", async ({
  page,
}) => {
  await signUpAndSignIn(page, "duo");
  const first = testKey("valid");
  await saveFirstKey(page, first);
  const openai = card(page, "openai");
  // One key: a list of one, with the contract's words (Update API Key) and no order to change or fallback switch.
  await expect(openai.getByTestId("masked-key")).toHaveText(mask(first));
  await expect.poll(() => order(page)).toEqual(["key-item-Default"]);
  await expect(openai.getByRole("button", { name: "Update API Key" })).toBeVisible();
  await expect(openai.getByRole("button", { name: /^Move/ })).toHaveCount(0);
  await expect(openai.getByText("Always use my first key")).toHaveCount(0);

  const second = testKey("valid");
  await addAnotherKey(page, "Backup", second);
  await expect(openai.getByTestId("key-list")).toBeVisible();
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Backup"]);
  await expect(openai.getByTestId("key-item-Default").getByText("Primary")).toBeVisible();
  await expect(openai.getByTestId("key-item-Backup").getByText("Primary")).toHaveCount(0);
  await expect(openai.getByTestId("key-item-Backup")).toContainText(mask(second));
  await expect(openai.getByText("Always use my first key")).toBeVisible();
  // The same label again (any case) is refused in the form, before anything is sent.
  await openai.getByRole("button", { name: "Add another key" }).click();
  const dialog = page.getByRole("dialog", { name: "Add another OpenAI key" });
  await dialog.getByLabel("Label").fill("backup");
  await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog.getByText("Another key of this provider has that label.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The server's state: after a reload the list is the same.
  await page.reload();
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Backup"]);
});

test("reordering with the keyboard: move up / move down, the focus stays with the key", async ({ page }) => {
  await signUpAndSignIn(page, "mover");
  await saveFirstKey(page, testKey("valid"));
  await addAnotherKey(page, "Work", testKey("valid"));
  await addAnotherKey(page, "Personal", testKey("valid"));
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Work", "key-item-Personal"]);

  const openai = card(page, "openai");
  let moved = 0;
  page.on("response", (response) => {
    if (response.request().method() === "PATCH" && response.url().includes("/api/user/api-keys/")) moved += 1;
  });
  await openai.getByRole("button", { name: "Move Personal up" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Personal", "key-item-Work"]);
  await expect(openai.getByRole("button", { name: "Move Personal up" })).toBeFocused();
  await page.keyboard.press("Space");
  await expect.poll(() => order(page)).toEqual(["key-item-Personal", "key-item-Default", "key-item-Work"]);
  await expect(openai.getByTestId("key-item-Personal").getByText("Primary")).toBeVisible();
  // At the top the up button is disabled: the keyboard is on "down" now.
  await expect(openai.getByRole("button", { name: "Move Personal up" })).toBeDisabled();
  await expect(openai.getByRole("button", { name: "Move Personal down" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Personal", "key-item-Work"]);

  // The moves go to the server one after another (use-key-changes.ts): the last is sent once the one before it is
  // answered, so the page is left once all three are answered.
  await expect.poll(() => moved).toBe(3);
  await page.reload();
  await expect.poll(() => order(page)).toEqual(["key-item-Default", "key-item-Personal", "key-item-Work"]);
  await expect(page.getByTestId("activity-list").getByRole("listitem").first()).toContainText(
    "Moved the OpenAI key “Personal” to place 2",
  );
});

test("expiry badges: 'Expires in N days' within a week, 'Expired' after", async ({ page }) => {
  await signUpAndSignIn(page, "expiring");
  await saveFirstKey(page, testKey("valid"));
  const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await addAnotherKey(page, "Soon", testKey("valid"), inTwoDays);
  const soon = card(page, "openai").getByTestId("key-item-Soon");
  await expect(soon.getByTestId("expiry-badge")).toHaveText(/^Expires in [23] days$/);

  // A key that expires in a few seconds, saved over the API; once past, it shows "Expired" after a reload.
  const answer = await page.request.post("/api/user/api-keys", {
    data: {
      providerId: await card(page, "openai").getAttribute("data-provider-id"),
      apiKey: testKey("valid"),
      label: "Brief",
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
      skipValidation: true,
    },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  await page.waitForTimeout(3_500);
  await page.reload();
  await expect(card(page, "openai").getByTestId("key-item-Brief").getByTestId("expiry-badge")).toHaveText("Expired");
  await expect(card(page, "openai").getByTestId("key-item-Default").getByTestId("expiry-badge")).toHaveCount(0);
});

test("the playground answers from the second key when the first is rejected, names it, and the first turns red", async ({
  page,
}) => {
  await signUpAndSignIn(page, "fallback");
  const first = testKey("valid");
  const second = testKey("valid");
  await saveFirstKey(page, first);
  await addAnotherKey(page, "Backup", second);
  await page.request.post(`${FAKE_PROVIDERS_URL}/__control/revoke`, { data: { key: first } });
  try {
    await page.goto("/playground");
    await expect(page.getByRole("combobox", { name: "Provider" }).locator("option:checked")).toHaveText("OpenAI");
    // The models list came from the second key too (the first is rejected): a list to pick from.
    const model = page.getByRole("combobox", { name: "Model" });
    await expect(model).toBeEnabled();
    await model.selectOption({ index: 1 });
    await page.getByRole("textbox", { name: "Message" }).fill("Hi");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = page.getByTestId("assistant-message").last();
    await expect(answer).toContainText("Hello from the fake provider.");
    await expect(answer.getByTestId("answer-key")).toHaveText(mask(second));
    await expect(page.getByTestId("chat-error")).toHaveCount(0);

    await page.goto("/settings");
    await expect(
      card(page, "openai").getByTestId("key-item-Default").getByText("Rejected", { exact: true }),
    ).toBeVisible();
    await expect(
      card(page, "openai").getByTestId("key-item-Backup").getByText("Rejected", { exact: true }),
    ).toHaveCount(0);
  } finally {
    await page.request.post(`${FAKE_PROVIDERS_URL}/__control/restore`, { data: { key: first } });
  }
});
