import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { FAKE_PORT } from "../../playwright.config";
import { mask, signUpAndSignIn, testKey } from "./helpers";

/** The fake providers' OpenAI-compatible server: /compat/v1 wants a key, /open/v1 needs none (dev/fake-providers). */
const fakeEndpoint = (mount: "compat" | "open") => `http://127.0.0.1:${FAKE_PORT}/${mount}/v1`;

const card = (page: Page, name: string) => page.getByRole("group", { name, exact: true });

async function addEndpoint(page: Page, name: string, baseUrl: string) {
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog", { name: "Add endpoint" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Base URL").fill(baseUrl);
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  return dialog;
}

test("a user adds an endpoint at a local server, saves its key, and tests it", async ({ page }) => {
  await signUpAndSignIn(page, "ada");
  await expect(page.getByRole("heading", { name: "Custom Endpoints" })).toBeVisible();

  // The endpoint is saved, and its key dialog opens at once.
  await addEndpoint(page, "Local vLLM", fakeEndpoint("compat"));
  const keyDialog = page.getByRole("dialog", { name: "Local vLLM API Key" });
  await expect(keyDialog).toBeVisible();
  await expect(keyDialog.getByLabel("API Key", { exact: true })).toBeFocused();
  const key = testKey("valid");
  await keyDialog.getByLabel("API Key", { exact: true }).fill(key);
  await keyDialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(keyDialog).toBeHidden();
  await expect(page.getByText("Local vLLM API key saved")).toBeVisible();
  const vllm = card(page, "Local vLLM");
  await expect(vllm.getByText("API Key Set")).toBeVisible();
  await expect(vllm.getByTestId("masked-key")).toHaveText(mask(key));
  await expect(vllm.getByText(fakeEndpoint("compat"))).toBeVisible();
  expect(await page.content()).not.toContain(key);
  await vllm.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/screenshots/endpoints-desktop-light.png" });

  // After a reload: still there, and the saved key tests good against the endpoint.
  await page.reload();
  await card(page, "Local vLLM").getByRole("button", { name: "Update API Key" }).click();
  const again = page.getByRole("dialog", { name: "Local vLLM API Key" });
  await again.getByRole("button", { name: "Test saved key" }).click();
  await expect(again.getByRole("status")).toContainText("Verified with Local vLLM: the key can list models.");
  await again.getByRole("button", { name: "Cancel" }).click();

  // A key the endpoint rejects shows under the field; the saved one stays.
  await card(page, "Local vLLM").getByRole("button", { name: "Update API Key" }).click();
  const update = page.getByRole("dialog", { name: "Local vLLM API Key" });
  await update.getByLabel("API Key", { exact: true }).fill(testKey("invalid"));
  await update.getByRole("button", { name: "Save API Key" }).click();
  await expect(update.getByRole("alert")).toHaveText("Local vLLM rejected this key.");
  await update.getByRole("button", { name: "Cancel" }).click();
  await expect(card(page, "Local vLLM").getByTestId("masked-key")).toHaveText(mask(key));

  // Disable, then delete the endpoint and its key.
  await card(page, "Local vLLM").getByRole("switch", { name: "Use Local vLLM" }).click();
  await expect(card(page, "Local vLLM").getByRole("switch")).not.toBeChecked();
  await card(page, "Local vLLM").getByRole("button", { name: "Edit Local vLLM" }).click();
  await page.getByRole("dialog", { name: "Edit Local vLLM" }).getByRole("button", { name: "Delete endpoint" }).click();
  await page
    .getByRole("alertdialog", { name: "Delete Local vLLM?" })
    .getByRole("button", { name: "Delete endpoint" })
    .click();
  await expect(card(page, "Local vLLM")).toHaveCount(0);
  await page.reload();
  await expect(card(page, "Local vLLM")).toHaveCount(0);
  expect(await (await page.request.get("/api/user/api-keys")).json()).toEqual([]);
});

test("an endpoint that needs no key is saved with the field left empty", async ({ page }) => {
  await signUpAndSignIn(page, "babbage");
  await addEndpoint(page, "Local Ollama", fakeEndpoint("open"));
  const keyDialog = page.getByRole("dialog", { name: "Local Ollama API Key" });
  await keyDialog.getByRole("button", { name: "Test without a key" }).click();
  await expect(keyDialog.getByRole("status")).toContainText("it lets anyone list models without a key");
  await keyDialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(keyDialog).toBeHidden();
  await expect(card(page, "Local Ollama").getByText("No Key Needed")).toBeVisible();
  await page.reload();
  await expect(card(page, "Local Ollama").getByText("Requests go without a key.")).toBeVisible();
});

test("a base URL at an internal address is refused with the reason, and passes axe", async ({ page }) => {
  await signUpAndSignIn(page, "carol");
  const dialog = await addEndpoint(page, "Metadata", "https://169.254.169.254/latest/meta-data");
  await expect(dialog.getByRole("alert")).toContainText("169.254.169.254 is a link-local address");
  await expect(dialog.getByLabel("Base URL")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: "test-results/screenshots/endpoint-dialog-refused-desktop-light.png" });
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  await dialog.getByLabel("Base URL").fill("http://api.example.com/v1");
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  await expect(dialog.getByRole("alert")).toContainText("plain http:// is accepted only for hosts this server allows");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("group", { name: "Metadata" })).toHaveCount(0);
});

test("another user sees none of the first user's endpoints", async ({ browser }) => {
  const adaPage = await (await browser.newContext()).newPage();
  await signUpAndSignIn(adaPage, "dave");
  await addEndpoint(adaPage, "Dave's gateway", fakeEndpoint("compat"));
  await adaPage.getByRole("dialog", { name: "Dave's gateway API Key" }).getByRole("button", { name: "Cancel" }).click();
  const [endpoint] = (await (await adaPage.request.get("/api/user/endpoints")).json()) as { id: string }[];

  const otherPage = await (await browser.newContext()).newPage();
  await signUpAndSignIn(otherPage, "erin");
  await expect(otherPage.getByRole("group", { name: "Dave's gateway" })).toHaveCount(0);
  expect(await (await otherPage.request.get("/api/user/endpoints")).json()).toEqual([]);
  const deleted = await otherPage.request.delete(`/api/user/endpoints/${endpoint!.id}`);
  expect(deleted.status()).toBe(404);
  const saved = await otherPage.request.post("/api/user/api-keys", {
    data: { providerId: endpoint!.id, apiKey: testKey("valid") },
  });
  expect(saved.status()).toBe(404);
});
