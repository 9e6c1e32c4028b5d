import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { signUpAndSignIn, testKey } from "./helpers";

/**
 * Spend end to end: the user's own price for a model, a soft monthly budget on the key, two answers in the
 * playground against the fake (5 input tokens each at $1000 per million: $0.005 each) put the key at 83 % of its
 * $0.012: the bar turns amber, the notice at the top names the key, the answer shows its cost, and the usage CSV
 * downloads with its header line and today's cost.
 */
test("a budget, usage past 80 % through the playground: amber bar, the notice, each answer's cost, the CSV", async ({
  page,
}) => {
  await signUpAndSignIn(page, "spend");
  const openai = page.getByTestId("provider-card-openai");
  await openai.getByRole("button", { name: "Add API Key" }).click();
  const dialog = page.getByRole("dialog", { name: "OpenAI API Key" });
  await dialog.getByLabel("API Key", { exact: true }).fill(testKey("valid"));
  await dialog.getByRole("button", { name: "Save API Key" }).click();
  await expect(dialog).toBeHidden();

  // Your own price wins over the catalogue's.
  await openai.getByRole("button", { name: "Show OpenAI prices" }).click();
  const prices = page.getByRole("form", { name: "Set your own OpenAI price" });
  await prices.getByLabel("Model").fill("gpt-4o-mini");
  await prices.getByLabel("Input $/M").fill("1000");
  await prices.getByLabel("Output $/M").fill("0");
  await prices.getByRole("button", { name: "Set price" }).click();
  await expect(openai.getByText("Your price for gpt-4o-mini is saved.")).toBeVisible();
  await expect(
    openai.getByTestId("price-table").getByRole("row", { name: /^gpt-4o-mini \$1,000\.00 \$0\.00 Yours/ }),
  ).toBeVisible();

  // A soft budget of $0.012 a month.
  await openai.getByRole("button", { name: "Budget of Default" }).click();
  const budget = page.getByRole("dialog", { name: "Budget for “Default”" });
  await budget.getByLabel("Monthly budget in USD").fill("0.012");
  await budget.getByRole("radio", { name: "Only warn me (soft)" }).check();
  await budget.getByRole("button", { name: "Save budget" }).click();
  await expect(budget).toBeHidden();
  await expect(openai.getByTestId("budget")).toHaveAttribute("data-level", "ok");
  await expect(page.getByTestId("budget-notice")).toHaveCount(0);

  // Two answers in the playground, each with its cost.
  await page.goto("/playground");
  await expect(page.getByRole("combobox", { name: "Model" })).toBeEnabled();
  await page.getByRole("combobox", { name: "Model" }).selectOption("gpt-4o-mini");
  const prompt = page.getByRole("textbox", { name: "Message" });
  for (const [n, text] of [
    [1, "Hello"],
    [2, "Again"],
  ] as const) {
    await prompt.fill(text);
    await prompt.press("Enter");
    await expect(page.getByTestId("answer-facts")).toHaveCount(n);
    await expect(page.getByTestId("answer-cost").nth(n - 1)).toHaveText(" · $0.005");
  }

  await page.goto("/settings");
  await expect(openai.getByTestId("budget")).toHaveAttribute("data-level", "warning");
  await expect(openai.getByTestId("budget")).toContainText("$0.01 of $0.012 this month (soft budget) · resets");
  const notice = page.getByTestId("budget-notice");
  await expect(notice).toContainText("Your OpenAI key “Default” is near its monthly budget");
  await expect(notice.getByRole("link", { name: "OpenAI “Default”: 83 %" })).toBeVisible();
  await expect(page.getByTestId("month-spend")).toHaveText("$0.01");
  await expect(page.getByTestId("spend-by-model").getByRole("row", { name: /^gpt-4o-mini OpenAI 2 / })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-day\.csv$/);
  const lines = readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe("group,requests,inputTokens,outputTokens,costMicroUsd,unpricedRequests");
  const today = new Date().toISOString().slice(0, 10);
  expect(lines.find((line) => line.startsWith(today))).toMatch(new RegExp(`^${today},2,10,\\d+,10000,0$`));
});
