import { request as http } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signUpAndSignIn, testKey } from "./helpers";

/**
 * The gateway from a person's side: a token created in Settings is read once from the page, then used over HTTP
 * (no cookie: a fresh client) against /api/v1 with the fake provider behind the user's key; reloading the page never
 * shows it again; revoking it in Settings refuses it at once.
 */
test("create a token in Settings, use it from any HTTP client, never see it again, revoke it", async ({
  page,
  baseURL,
}) => {
  await signUpAndSignIn(page, "tokens");
  const openai = page.getByTestId("provider-card-openai");
  await openai.getByRole("button", { name: "Add API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
  await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();

  const section = page.getByRole("region", { name: "Access tokens" });
  await expect(section.getByTestId("tokens-empty")).toBeVisible();
  await section.getByRole("button", { name: "Create token" }).click();
  const form = page.getByRole("form", { name: "New access token" });
  await expect(form.getByLabel("Name")).toBeFocused();
  await form.getByLabel("Name").fill("my script");
  await form.getByRole("checkbox", { name: "OpenAI" }).check();
  await form.getByRole("button", { name: "Create token" }).click();

  const created = section.getByTestId("created-token");
  await expect(created).toContainText("you will not see it again");
  const token = await created.getByLabel("Your new access token").inputValue();
  expect(token).toMatch(/^kr_[A-Za-z0-9_-]{43}$/);
  const row = section.getByTestId("token-my script");
  const prefix = (await row.getByTestId("token-prefix").innerText()).replace(/…$/, "");
  expect(prefix.length).toBeGreaterThanOrEqual(6);
  expect(token.startsWith(prefix)).toBe(true);

  // Any HTTP client with the token, and no cookie.
  const client = await http.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const models = await client.get("/api/v1/models");
  expect(models.status()).toBe(200);
  const list = (await models.json()) as { object: string; data: { id: string; owned_by: string }[] };
  expect(list.object).toBe("list");
  expect(list.data.map((m) => m.id)).toContain("openai/gpt-4o-mini");
  expect(new Set(list.data.map((m) => m.owned_by))).toEqual(new Set(["openai"]));
  const chat = await client.post("/api/v1/chat/completions", {
    data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] },
  });
  expect(chat.status()).toBe(200);
  const answer = (await chat.json()) as {
    choices: { message: { content: string } }[];
    usage: { prompt_tokens: number };
  };
  expect(answer.choices[0]!.message.content).toContain("Hello from the fake provider.");
  expect(answer.usage.prompt_tokens).toBe(5);

  // Done, then a reload: the token is nowhere on the page, its use is.
  await created.getByRole("button", { name: "Done" }).click();
  await expect(created).toBeHidden();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Access tokens" })).toBeVisible();
  expect(await page.content()).not.toContain(token.slice(3));
  await expect(section.getByTestId("created-token")).toHaveCount(0);
  await expect(section.getByTestId("token-my script").getByTestId("token-usage")).toContainText(
    /^Used (just now|\d+ (seconds?|minutes?) ago) · 1 request, /,
  );

  // Revoked in Settings (asked first): refused at once.
  await section.getByRole("button", { name: "Revoke my script" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke the token “my script”?" });
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(section.getByTestId("token-my script")).toHaveCount(0);
  await expect(section.getByTestId("tokens-empty")).toBeVisible();
  expect((await client.get("/api/v1/models")).status()).toBe(401);
  await client.dispose();
});
