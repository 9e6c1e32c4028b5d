import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { mask, password, registerThroughUi, signUpAndSignIn, testKey } from "./helpers";

function card(page: Page, registryId: string): Locator {
  return page.getByTestId(`provider-card-${registryId}`);
}

async function openDialog(page: Page, registryId: string, name: string) {
  await card(page, registryId)
    .getByRole("button", { name: /(Add|Update) API Key/ })
    .click();
  const dialog = page.getByRole("dialog", { name: `${name} API Key` });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function saveKey(page: Page, registryId: string, name: string, key: string) {
  const dialog = await openDialog(page, registryId, name);
  await dialog.getByLabel("API Key", { exact: true }).fill(key);
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
}

test("a user adds, tests, disables, enables, updates and deletes a key", async ({ page }) => {
  await registerThroughUi(page, "ada");
  const openai = card(page, "openai");
  await expect(openai.getByText("API Key Required")).toBeVisible();

  // Add a valid key: the dialog closes, the card updates in place, the plaintext is nowhere on the page.
  const key = testKey("valid");
  const dialog = await openDialog(page, "openai", "OpenAI");
  const input = dialog.getByLabel("API Key", { exact: true });
  await expect(input).toHaveAttribute("type", "password");
  await expect(input).toHaveAttribute("autocomplete", "off");
  await expect(input).toHaveAttribute("spellcheck", "false");
  await expect(dialog.getByRole("button", { name: "Save API Key" })).toBeDisabled();
  await input.fill(key);
  await dialog.getByRole("button", { name: "Show key" }).click();
  await expect(input).toHaveAttribute("type", "text");
  await dialog.getByRole("button", { name: "Hide key" }).click();
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();
  await expect(openai.getByText("API Key Set")).toBeVisible();
  await expect(openai.getByTestId("masked-key")).toHaveText(mask(key));
  await expect(openai.getByText(/Verified/)).toBeVisible();
  await expect(page.getByText("OpenAI API key saved")).toBeVisible();
  expect(await page.content()).not.toContain(key);

  // It survives a reload, still masked.
  await page.reload();
  await expect(card(page, "openai").getByTestId("masked-key")).toHaveText(mask(key));
  expect(await page.content()).not.toContain(key);

  // Test the saved key.
  const again = await openDialog(page, "openai", "OpenAI");
  await again.getByRole("button", { name: "Test saved key" }).click();
  await expect(again.getByRole("status")).toContainText("Verified with OpenAI");
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(again).toBeHidden();

  // Disable and enable, each surviving a reload.
  const toggle = card(page, "openai").getByRole("switch", { name: "Use the OpenAI API key" });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(page.getByText("OpenAI API key disabled")).toBeVisible();
  await page.reload();
  await expect(card(page, "openai").getByRole("switch")).not.toBeChecked();
  await card(page, "openai").getByRole("switch").click();
  await expect(page.getByText("OpenAI API key enabled")).toBeVisible();
  await expect(card(page, "openai").getByRole("switch")).toBeChecked();

  // Update with a key the provider rejects: the error shows under the field and the old key stays.
  const rejected = testKey("invalid");
  const update = await openDialog(page, "openai", "OpenAI");
  await update.getByLabel("API Key", { exact: true }).fill(rejected);
  await update.getByRole("button", { name: "Save API Key" }).click();
  await expect(update.getByRole("alert")).toHaveText("OpenAI rejected this key.");
  await expect(update.getByLabel("API Key", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await update.getByRole("button", { name: "Cancel" }).click();
  await expect(card(page, "openai").getByTestId("masked-key")).toHaveText(mask(key));
  await page.reload();
  await expect(card(page, "openai").getByTestId("masked-key")).toHaveText(mask(key));

  // Delete, behind a confirmation.
  const remove = await openDialog(page, "openai", "OpenAI");
  await remove.getByRole("button", { name: "Delete API Key" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete your OpenAI API key?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete API Key" }).click();
  await expect(confirm).toBeHidden();
  await expect(remove).toBeHidden();
  await expect(card(page, "openai").getByText("API Key Required")).toBeVisible();
  await expect(card(page, "openai").getByRole("switch")).toHaveCount(0);
  await page.reload();
  await expect(card(page, "openai").getByText("API Key Required")).toBeVisible();
});

test("a second user sees none of the first user's keys", async ({ browser }) => {
  const adaPage = await (await browser.newContext()).newPage();
  await signUpAndSignIn(adaPage, "ada");
  const key = testKey("valid");
  await saveKey(adaPage, "anthropic", "Anthropic", key);
  await expect(card(adaPage, "anthropic").getByText("API Key Set")).toBeVisible();

  const babbagePage = await (await browser.newContext()).newPage();
  await signUpAndSignIn(babbagePage, "babbage");
  for (const id of ["openai", "anthropic", "google", "mistral", "groq", "xai", "deepseek", "openrouter"]) {
    await expect(card(babbagePage, id).getByText("API Key Required")).toBeVisible();
  }
  expect(await babbagePage.content()).not.toContain(mask(key));
  const listed = await babbagePage.request.get("/api/user/api-keys");
  expect(await listed.json()).toEqual([]);
});

test("an unreachable provider offers Save anyway; a limited key is saved with a note", async ({ page }) => {
  await signUpAndSignIn(page, "carol");
  const dialog = await openDialog(page, "mistral", "Mistral");
  await dialog.getByLabel("API Key", { exact: true }).fill(testKey("error500"));
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog.getByRole("status")).toContainText("Couldn't reach Mistral to check the key");
  await expect(card(page, "mistral").getByText("API Key Required")).toBeVisible();
  await dialog.getByRole("button", { name: "Save anyway" }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, "mistral").getByText("API Key Set")).toBeVisible();
  await expect(card(page, "mistral").getByText("Saved without a check")).toBeVisible();

  await saveKey(page, "groq", "Groq", testKey("limited"));
  await expect(page.getByText("Groq API key saved")).toBeVisible();
  await expect(card(page, "groq").getByTestId("health-line")).toHaveText(
    /^Groq recognised this key but is rate-limiting it right now\. Checked/,
  );
  await expect(card(page, "groq").getByText("API Key Set")).toBeVisible();
});

test("the key dialog works with the keyboard alone", async ({ page }) => {
  await signUpAndSignIn(page, "dave");
  const trigger = card(page, "google").getByRole("button", { name: "Add API Key" });
  await trigger.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Google Gemini API Key" });
  await expect(dialog).toBeVisible();
  const input = dialog.getByLabel("API Key", { exact: true });
  await expect(input).toBeFocused();

  // Esc closes, clears the input and returns focus to the card's button.
  await page.keyboard.type("half-typed");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(input).toBeFocused();
  await expect(input).toHaveValue("");

  // Tab through the controls in order, then save with Enter.
  const key = testKey("valid");
  await page.keyboard.type(key);
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Show key" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Test key" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("status")).toContainText("Verified with Google Gemini");
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Save API Key" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  // Back on the button the dialog came from, which now adds another key; the saved key has its own actions.
  await expect(card(page, "google").getByRole("button", { name: "Add another key" })).toBeFocused();
  await expect(card(page, "google").getByRole("button", { name: "Update API Key" })).toBeVisible();
  await expect(card(page, "google").getByText("API Key Set")).toBeVisible();
});

test.describe("the Account section", () => {
  test("change the password with the keyboard: the other browser is signed out, this one stays", async ({
    page,
    browser,
    baseURL,
  }) => {
    const email = await signUpAndSignIn(page, "account");
    const other = await browser.newContext({ baseURL });
    const otherPage = await other.newPage();
    await otherPage.goto("/login");
    await otherPage.getByLabel("Email").fill(email);
    await otherPage.getByLabel("Password").fill(password);
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await expect(otherPage).toHaveURL(/\/settings$/);

    const card = page.getByRole("group", { name: "Change password" });
    await card.getByLabel("Current password").focus();
    await page.keyboard.type(password);
    await page.keyboard.press("Tab");
    await page.keyboard.type("an entirely new password");
    await page.keyboard.press("Enter");
    await expect(page.getByText("Password changed")).toBeVisible();

    await page.reload();
    await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();
  });

  test("sign out everywhere ends this session too", async ({ page }) => {
    await signUpAndSignIn(page, "everywhere");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Sign out everywhere?" });
    await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings$/);
  });

  test("delete the account with its password: signed out, and the email can sign up again", async ({ page }) => {
    const email = await signUpAndSignIn(page, "leaving");
    await page.getByRole("button", { name: "Delete account" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete your account?" });
    await expect(dialog.getByLabel("Password")).toBeFocused();
    await page.keyboard.type("not my password");
    await page.keyboard.press("Enter");
    await expect(dialog.getByText("Your password is not right.")).toBeVisible();
    await dialog.getByLabel("Password").fill(password);
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(page).toHaveURL(/\/$/);
    expect((await page.request.post("/api/auth/register", { data: { email, password } })).status()).toBe(201);
  });
});
