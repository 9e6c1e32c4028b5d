// @vitest-environment jsdom
import "./setup";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import type { BudgetView, KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor } from "../../fixtures/key-view";
import { openai } from "../../fixtures/providers";

/** A key's budget (bar, Budget… dialog, the notice at the top) and its balance at the provider. */
const NOW = Date.parse("2026-11-25T12:00:00Z");
const openrouter: ProviderView = {
  id: "44444444-4444-4444-8444-444444444444",
  registryId: "openrouter",
  name: "OpenRouter",
  description: "Many models.",
};
const providers = [openai, openrouter];

const budget = (spentMicroUsd: number, mode: "hard" | "soft" = "hard"): BudgetView => ({
  monthlyMicroUsd: 2_000_000,
  mode,
  spentMicroUsd,
  resetsAt: "2026-12-01T00:00:00.000Z",
});

const keyFor = keyViewFor;

function renderSection(keys: ListedKeyView[]) {
  const user = userEvent.setup();
  render(<ApiKeysSection providers={providers} initialKeys={keys} now={NOW} />);
  return { user, card: (name: string) => within(screen.getByRole("group", { name })) };
}

describe("a key's budget", () => {
  it("under 80 %: the bar and when it resets, no notice", async () => {
    const { card } = renderSection([keyFor(openai, { budget: budget(1_000_000) })]);
    // The bar's code loads with the first key that has a budget.
    const bar = await card("OpenAI").findByTestId("budget");
    expect(bar.dataset.level).toBe("ok");
    expect(bar.textContent).toBe("Budget: $1.00 of $2.00 this month (hard budget) · resets Dec 1");
    expect(within(bar).getByRole("progressbar", { name: "Budget used this month" }).getAttribute("aria-valuenow")).toBe(
      "50",
    );
    expect(screen.queryByTestId("budget-notice")).toBeNull();
  });

  it("from 80 %: amber, and the notice at the top names the key; at 100 %: red and reached", async () => {
    const { unmount } = render(
      <ApiKeysSection
        providers={providers}
        initialKeys={[keyFor(openai, { budget: budget(1_600_000, "soft") })]}
        now={NOW}
      />,
    );
    expect((await screen.findByTestId("budget")).dataset.level).toBe("warning");
    const notice = await screen.findByTestId("budget-notice");
    expect(notice.textContent).toContain("Your OpenAI key “Default” is near its monthly budget");
    expect(within(notice).getByRole("link", { name: "OpenAI “Default”: 80 %" }).getAttribute("href")).toBe(
      "#provider-openai",
    );
    unmount();
    renderSection([keyFor(openai, { budget: budget(2_000_001) }), keyFor(openrouter, { budget: budget(1_900_000) })]);
    const reached = (await screen.findAllByTestId("budget"))[0]!;
    expect(reached.dataset.level).toBe("reached");
    expect(reached.textContent).toMatch(/^Budget reached: \$2.00 of \$2.00/);
    expect((await screen.findByTestId("budget-notice")).textContent).toContain(
      "2 of your keys are at or past 80 % of their monthly budget",
    );
  });

  it("Budget… sets a monthly budget (checked first), then removes it; the keyboard comes back to the button", async () => {
    const api = fakeApi();
    const key = keyFor(openai);
    const { user, card } = renderSection([key]);
    const button = card("OpenAI").getByRole("button", { name: "Budget of Default" });
    await user.click(button);
    const dialog = within(await screen.findByRole("dialog", { name: "Budget for “Default”" }));
    await user.click(dialog.getByRole("button", { name: "Save budget" }));
    expect(dialog.getByText("Enter the monthly budget in dollars, or remove the budget.")).toBeTruthy();
    await user.type(dialog.getByLabelText("Monthly budget in USD"), "20");
    const saved: KeyView = {
      ...key,
      budget: { monthlyMicroUsd: 20_000_000, mode: "hard", spentMicroUsd: 0, resetsAt: "2026-12-01T00:00:00.000Z" },
    };
    api.answer(200, saved);
    await user.click(dialog.getByRole("button", { name: "Save budget" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls.at(-1)).toEqual({
      method: "PATCH",
      url: `/api/user/api-keys/${key.id}`,
      body: { budget: { monthlyUsd: 20, mode: "hard" } },
    });
    expect((await card("OpenAI").findByTestId("budget")).textContent).toContain("$0.00 of $20.00 this month");
    await waitFor(() => expect(document.activeElement).toBe(button));

    await user.click(button);
    const again = within(await screen.findByRole("dialog"));
    expect((again.getByLabelText("Monthly budget in USD") as HTMLInputElement).value).toBe("20");
    api.answer(200, { ...key, budget: null });
    await user.click(again.getByRole("button", { name: "Remove budget" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls.at(-1)?.body).toEqual({ budget: null });
    expect(card("OpenAI").queryByTestId("budget")).toBeNull();
  });

  it("a refused budget is shown on its field", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyFor(openai)]);
    await user.click(card("OpenAI").getByRole("button", { name: "Budget of Default" }));
    const dialog = within(await screen.findByRole("dialog"));
    await user.type(dialog.getByLabelText("Monthly budget in USD"), "5");
    api.answer(400, {
      error: "Invalid request body.",
      code: "invalid_body",
      fields: { "budget.monthlyUsd": "budget.monthlyUsd must be between 0.01 and 1,000,000 dollars." },
    });
    await user.click(dialog.getByRole("button", { name: "Save budget" }));
    expect(await dialog.findByText("budget.monthlyUsd must be between 0.01 and 1,000,000 dollars.")).toBeTruthy();
  });
});

describe("a key's balance", () => {
  it("an OpenRouter key shows what its provider says is left; other providers are not asked", async () => {
    const api = fakeApi();
    api.answer(200, {
      currency: "USD",
      remainingUsd: 12.5,
      limitUsd: 20,
      usedUsd: 7.5,
      fetchedAt: "2026-11-25T12:00:00.000Z",
    });
    const { card } = renderSection([keyFor(openai), keyFor(openrouter)]);
    expect((await card("OpenRouter").findByTestId("key-balance")).textContent).toBe(
      "Balance at OpenRouter: $12.50 of $20.00 left",
    );
    expect(api.calls.map((c) => c.url)).toEqual([`/api/user/api-keys/${keyFor(openrouter).id}/balance`]);
  });
});
