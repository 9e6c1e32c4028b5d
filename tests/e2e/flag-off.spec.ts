import { expect, test } from "./fixtures";
import { FLAG_OFF_PORT } from "../../playwright.config";
import { signUpAndSignIn } from "./helpers";

test.use({ baseURL: `http://localhost:${FLAG_OFF_PORT}` });

test("with showApiKeyManagement off the section is absent and the routes answer 403", async ({ page }) => {
  await signUpAndSignIn(page, "flagoff");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Provider API Keys" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add API Key" })).toHaveCount(0);
  const list = await page.request.get("/api/user/api-keys");
  expect(list.status()).toBe(403);
  expect(await list.json()).toMatchObject({ code: "feature_disabled", error: expect.any(String) });
  const post = await page.request.post("/api/user/api-keys/test", {
    data: { providerId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" },
  });
  expect(post.status()).toBe(403);
});
