// @vitest-environment jsdom
import "./setup";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import type { PriceView } from "@/lib/validation/spend";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor } from "../../fixtures/key-view";
import { openai, anthropic } from "../../fixtures/providers";

/** A provider's "Prices": the catalogue's and the user's own per model; set and clear the user's. */
const NOW = Date.parse("2026-11-25T12:00:00Z");

const catalogue: PriceView = {
  model: "gpt-4o-mini",
  inputPerMTokUsd: 0.15,
  outputPerMTokUsd: 0.6,
  source: "catalogue",
};
const own: PriceView = { model: "my-fine-tune", inputPerMTokUsd: 3, outputPerMTokUsd: 12.5, source: "user" };

function renderCards() {
  const user = userEvent.setup();
  render(<ApiKeysSection providers={[openai, anthropic]} initialKeys={[keyViewFor(openai)]} now={NOW} />);
  return { user, card: (name: string) => within(screen.getByRole("group", { name })) };
}

describe("prices", () => {
  it("a card with a key offers Prices; one without does not", () => {
    const { card } = renderCards();
    expect(card("OpenAI").getByRole("button", { name: "Show OpenAI prices" })).toBeTruthy();
    expect(card("Anthropic").queryByRole("button", { name: /prices/ })).toBeNull();
  });

  it("lists the catalogue's and the user's prices per million tokens; sets one (checked first) and clears one", async () => {
    const api = fakeApi();
    api.answer(200, { prices: [catalogue, own] });
    const { user, card } = renderCards();
    await user.click(card("OpenAI").getByRole("button", { name: "Show OpenAI prices" }));
    const table = within(await screen.findByTestId("price-table"));
    expect(table.getByRole("row", { name: "gpt-4o-mini $0.15 $0.60 Catalogue" })).toBeTruthy();
    expect(table.getByRole("row", { name: /^my-fine-tune \$3.00 \$12.50/ })).toBeTruthy();
    expect(api.calls[0]).toEqual({ method: "GET", url: `/api/user/prices?providerId=${openai.id}`, body: undefined });

    const form = within(screen.getByRole("form", { name: "Set your own OpenAI price" }));
    await user.type(form.getByLabelText("Model"), "gpt-4o-mini");
    await user.type(form.getByLabelText("Input $/M"), "-1");
    await user.click(form.getByRole("button", { name: "Set price" }));
    expect(form.getAllByText("Enter dollars per million tokens, such as 2.50 (0 to 1000).")).toHaveLength(2); // output empty too

    await user.clear(form.getByLabelText("Input $/M"));
    await user.type(form.getByLabelText("Input $/M"), "0.2");
    await user.type(form.getByLabelText("Output $/M"), "0.8");
    api.answer(200, { model: "gpt-4o-mini", inputPerMTokUsd: 0.2, outputPerMTokUsd: 0.8, source: "user" });
    api.answer(200, { prices: [{ ...catalogue, inputPerMTokUsd: 0.2, outputPerMTokUsd: 0.8, source: "user" }, own] });
    await user.click(form.getByRole("button", { name: "Set price" }));
    expect(await screen.findByText("Your price for gpt-4o-mini is saved.")).toBeTruthy();
    expect(api.calls[1]).toEqual({
      method: "PUT",
      url: "/api/user/prices",
      body: { providerId: openai.id, model: "gpt-4o-mini", inputPerMTokUsd: 0.2, outputPerMTokUsd: 0.8 },
    });
    await waitFor(() => expect(screen.getByRole("row", { name: /^gpt-4o-mini \$0.20 \$0.80/ })).toBeTruthy());

    api.answer(200, { success: true });
    api.answer(200, { prices: [catalogue] });
    await user.click(screen.getByRole("button", { name: "Clear your price for my-fine-tune" }));
    expect(await screen.findByText("Your price for my-fine-tune is cleared.")).toBeTruthy();
    expect(api.calls[3]).toEqual({
      method: "DELETE",
      url: "/api/user/prices",
      body: { providerId: openai.id, model: "my-fine-tune" },
    });
    await waitFor(() => expect(screen.queryByRole("row", { name: /my-fine-tune/ })).toBeNull());
  });

  it("a provider without prices says its answers count as unpriced; a failed read says why", async () => {
    const api = fakeApi();
    api.answer(200, { prices: [] });
    const { user, card } = renderCards();
    await user.click(card("OpenAI").getByRole("button", { name: "Show OpenAI prices" }));
    expect(await screen.findByText(/No prices yet: its answers count as unpriced/)).toBeTruthy();
    await user.click(card("OpenAI").getByRole("button", { name: "Hide OpenAI prices" }));
    api.answer(503, { error: "The database is unavailable. Please try again shortly.", code: "database_unavailable" });
    await user.click(card("OpenAI").getByRole("button", { name: "Show OpenAI prices" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Couldn't load the prices: The database is unavailable. Please try again shortly.",
    );
  });
});
