// @vitest-environment jsdom
import "./setup";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { LazyToaster } from "@/components/toaster";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor } from "../../fixtures/key-view";
import { openai } from "../../fixtures/providers";

/**
 * A card with several keys: each key's own actions (enable, test, models, replace, rename, delete, move), shown at
 * once and put back with a reason when the server refuses; the provider's things (fallback, add another key, the
 * models and the playground while some key works); "Primary" and the card's health follow the key that would serve.
 */
const NOW = Date.parse("2026-11-25T12:00:00Z");
const day = (n: number) => new Date(NOW + n * 86_400_000).toISOString();
const idOf = (n: number) => `aaaaaaaa-aaaa-4aaa-8aaa-00000000000${n}`;
const DOWN = {
  error: "The database is unavailable right now. Nothing was changed; please try again.",
  code: "database_unavailable",
};

const keyNo = (n: number, overrides: Partial<ListedKeyView> = {}): ListedKeyView =>
  keyViewFor(openai, { id: idOf(n), label: n === 0 ? "Default" : `Key ${n}`, position: n, ...overrides });

function renderSection(keys: ListedKeyView[], firstKeyOnly: string[] = []) {
  const user = userEvent.setup();
  render(
    <>
      <ApiKeysSection providers={[openai]} initialKeys={keys} firstKeyOnly={firstKeyOnly} now={NOW} />
      <LazyToaster />
    </>,
  );
  const card = within(screen.getByRole("group", { name: "OpenAI" }));
  const item = (label: string) => within(card.getByTestId(`key-item-${label}`));
  const order = () =>
    within(card.getByTestId("key-list"))
      .getAllByRole("listitem")
      .map((i) => i.getAttribute("data-testid"));
  return { user, card, item, order };
}

describe("a provider with several keys", () => {
  it("lists them in order with expiry badges; Primary is the first enabled, unexpired key", () => {
    const { card, item, order } = renderSection([
      keyNo(2, { expiresAt: day(-1) }),
      keyNo(0, { isEnabled: false }),
      keyNo(1, { expiresAt: day(3) }),
    ]);
    expect(order()).toEqual(["key-item-Default", "key-item-Key 1", "key-item-Key 2"]);
    expect(item("Default").queryByText("Primary")).toBeNull();
    expect(item("Default").getByRole("switch").getAttribute("aria-checked")).toBe("false");
    expect(item("Key 1").getByText("Primary")).toBeTruthy();
    expect(item("Key 1").getByTestId("expiry-badge").textContent).toBe("Expires in 3 days");
    expect(item("Key 2").getByTestId("expiry-badge").textContent).toBe("Expired");
    expect((card.getByRole("button", { name: "Move Default up" }) as HTMLButtonElement).disabled).toBe(true);
    expect((card.getByRole("button", { name: "Move Key 2 down" }) as HTMLButtonElement).disabled).toBe(true);
    expect(card.getByRole("switch", { name: "Always use my first key" }).getAttribute("aria-checked")).toBe("false");
    expect(card.queryByRole("button", { name: /first key/ })).toBeNull();
  });

  it("Primary skips a key the server would skip: one to enter again, one whose hard budget is spent", () => {
    const spent = { monthlyMicroUsd: 1_000_000, mode: "hard" as const, spentMicroUsd: 1_000_000, resetsAt: day(5) };
    const { item } = renderSection([
      keyNo(0, { needsReentry: true }),
      keyNo(1, { budget: spent }),
      keyNo(2, { budget: { ...spent, mode: "soft" } }),
    ]);
    expect(item("Default").queryByText("Primary")).toBeNull();
    expect(item("Key 1").queryByText("Primary")).toBeNull();
    expect(item("Key 2").getByText("Primary")).toBeTruthy();
  });

  it("one key: a list of one with its actions and the contract's words; no order, no fallback switch", () => {
    const { card, item } = renderSection([keyNo(0)]);
    expect(card.getByTestId("masked-key").textContent).toBe("sk-p****************mnop");
    expect(card.queryByRole("button", { name: /^Move/ })).toBeNull();
    expect(card.queryByText("Always use my first key")).toBeNull();
    expect(item("Default").queryByText("Primary")).toBeNull();
    expect(card.getByRole("switch", { name: "Use the OpenAI API key" })).toBeTruthy();
    expect(card.getByRole("button", { name: "Update API Key" })).toBeTruthy();
    expect(card.getByRole("button", { name: "Add another key" })).toBeTruthy();
    expect(card.getByText("API Key Set")).toBeTruthy();
  });

  it("disabling the first key: Primary, the card's health and the links move to the key that still works", async () => {
    const api = fakeApi();
    const { user, card, item } = renderSection([
      keyNo(0, { health: "ok" }),
      keyNo(1, { health: "limited", healthMessage: "Throttled." }),
    ]);
    expect(card.queryByTestId("health-badge")).toBeNull(); // the first key is healthy
    api.answer(200, { ...keyNo(0, { isEnabled: false }), usage: undefined });
    await user.click(card.getByRole("switch", { name: "Use the OpenAI key Default" }));
    expect(api.calls[0]).toEqual({ method: "PATCH", url: `/api/user/api-keys/${idOf(0)}`, body: { isEnabled: false } });
    expect(item("Key 1").getByText("Primary")).toBeTruthy();
    expect(item("Default").queryByText("Primary")).toBeNull();
    expect(card.getByTestId("health-badge").textContent).toBe("Limited");
    expect(card.getByRole("button", { name: "Show models" })).toBeTruthy();
    expect(card.getByTestId("playground-link").getAttribute("href")).toBe(`/playground?provider=${openai.id}`);
    expect(await screen.findByText("Disabled “Default”")).toBeTruthy();
  });

  it("with every key disabled: Not in use, and no models or playground", () => {
    const { card } = renderSection([keyNo(0, { isEnabled: false }), keyNo(1, { isEnabled: false })]);
    expect(card.getByTestId("not-in-use")).toBeTruthy();
    expect(card.queryByRole("button", { name: "Show models" })).toBeNull();
    expect(card.queryByTestId("playground-link")).toBeNull();
  });

  it("enable: a refusal flips the switch back and says why", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1, { isEnabled: false })]);
    const toggle = card.getByRole("switch", { name: "Use the OpenAI key Key 1" });
    api.pause();
    api.answer(503, DOWN);
    await user.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    await act(async () => api.resume());
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("false"));
    expect(await screen.findByText("Couldn't enable the key “Key 1”")).toBeTruthy();
  });

  it("move up: the new order shows before the server answers, sent by id", async () => {
    const api = fakeApi();
    const { user, card, order } = renderSection([keyNo(0), keyNo(1)]);
    api.pause();
    api.answer(200, { ...keyNo(1, { position: 0 }), usage: undefined });
    await user.click(card.getByRole("button", { name: "Move Key 1 up" }));
    expect(order()).toEqual(["key-item-Key 1", "key-item-Default"]);
    expect(within(card.getByTestId("key-item-Key 1")).getByText("Primary")).toBeTruthy();
    expect(card.getByRole("button", { name: "Move Key 1 down" })).toBeTruthy();
    expect(api.calls).toEqual([{ method: "PATCH", url: `/api/user/api-keys/${idOf(1)}`, body: { position: 0 } }]);
    await act(async () => api.resume());
    expect(await screen.findByText("“Key 1” is now the first key")).toBeTruthy();
    expect(api.calls).toHaveLength(1); // nothing to read again: the server's order is the one shown
  });

  it("move down refused: the order comes back, with the reason", async () => {
    const api = fakeApi();
    const { user, card, order } = renderSection([keyNo(0), keyNo(1), keyNo(2)]);
    api.answer(503, DOWN);
    await user.click(card.getByRole("button", { name: "Move Default down" }));
    expect(await screen.findByText("Couldn't move the key “Default”")).toBeTruthy();
    expect(order()).toEqual(["key-item-Default", "key-item-Key 1", "key-item-Key 2"]);
  });

  it("rename: in place, shown at once; a refusal puts the old label back", async () => {
    const api = fakeApi();
    const { user, card, item } = renderSection([keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Rename Key 1" }));
    const field = await card.findByLabelText("New label"); // the form's code loads on first use
    await user.clear(field);
    await user.type(field, "Work");
    api.answer(200, { ...keyNo(1, { label: "Work" }), usage: undefined });
    await user.click(card.getByRole("button", { name: "Save" }));
    expect(card.getByTestId("key-item-Work")).toBeTruthy();
    expect(document.activeElement).toBe(card.getByRole("button", { name: "Rename Work" }));
    expect(api.calls[0]).toEqual({ method: "PATCH", url: `/api/user/api-keys/${idOf(1)}`, body: { label: "Work" } });
    expect(await screen.findByText("Renamed to “Work”")).toBeTruthy();

    await user.click(card.getByRole("button", { name: "Rename Default" }));
    await user.clear(await card.findByLabelText("New label"));
    await user.type(card.getByLabelText("New label"), "Work");
    api.answer(409, { error: "Another key of this provider has that label.", code: "label_taken" });
    await user.click(card.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Couldn't rename the key “Default”")).toBeTruthy();
    expect(item("Default")).toBeTruthy();
  });

  it("rename: a blank label is refused in the browser, sending nothing", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Rename Key 1" }));
    await user.clear(await card.findByLabelText("New label"));
    await user.click(card.getByRole("button", { name: "Save" }));
    expect(card.getByRole("alert").textContent).toBe("Enter a label.");
    expect(api.calls).toEqual([]);
  });

  it("test: asks the provider about that key by id, shows its answer, then reads the keys again", async () => {
    const api = fakeApi();
    const { user, card, item } = renderSection([
      keyNo(0),
      keyNo(1, { health: "rejected", healthMessage: "OpenAI rejected this key." }),
    ]);
    api.answer(200, { valid: true, status: "valid", message: "Verified with OpenAI: the key can list models." });
    api.answer(200, [keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Test Key 1" }));
    expect(api.calls[0]).toEqual({ method: "POST", url: "/api/user/api-keys/test", body: { id: idOf(1) } });
    expect((await item("Key 1").findByTestId("key-test-answer")).textContent).toBe(
      "Verified with OpenAI: the key can list models.",
    );
    await waitFor(() => expect(api.calls[1]).toMatchObject({ method: "GET", url: "/api/user/api-keys" }));
    await waitFor(() => expect(item("Key 1").queryByText("Rejected")).toBeNull());
  });

  it("models: that key's list, asked by its id", async () => {
    const api = fakeApi();
    const { user, card, item } = renderSection([keyNo(0), keyNo(1)]);
    api.answer(200, {
      providerId: openai.id,
      models: [{ id: "gpt-4o", name: "gpt-4o" }],
      fetchedAt: day(0),
      servedBy: { id: idOf(1), label: "Key 1", apiKey: "sk-p…" },
    });
    api.answer(200, [keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Models of Key 1" }));
    expect(await item("Key 1").findByText("1 model available with this key")).toBeTruthy();
    expect(api.calls[0]).toMatchObject({
      method: "GET",
      url: `/api/user/api-keys/models?providerId=${openai.id}&id=${idOf(1)}`,
    });
  });

  it("replace: the same key dialog, saving under that key's label", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Replace Key 1" }));
    const dialog = await screen.findByRole("dialog", { name: "OpenAI API Key" });
    expect(within(dialog).getByText(/This replaces the key “Key 1”/)).toBeTruthy();
    await user.type(within(dialog).getByLabelText("API Key"), "sk-test-valid-123456789012345678901234");
    api.answer(200, {
      ...keyNo(1, { apiKey: "sk-t****1234" }),
      usage: undefined,
      validation: { status: "valid", message: "Verified." },
    });
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls[0]).toEqual({
      method: "POST",
      url: "/api/user/api-keys",
      body: { providerId: openai.id, apiKey: "sk-test-valid-123456789012345678901234", label: "Key 1" },
    });
    expect(within(card.getByTestId("key-item-Key 1")).getByTestId("masked-key").textContent).toBe("sk-t****1234");
  });

  it("budget: that key's own, asked by its id; the other key keeps none", async () => {
    const api = fakeApi();
    const { user, card, item } = renderSection([keyNo(0), keyNo(1)]);
    await user.click(card.getByRole("button", { name: "Budget of Key 1" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Budget for “Key 1”" }));
    await user.type(dialog.getByLabelText("Monthly budget in USD"), "5");
    const budget = { monthlyMicroUsd: 5_000_000, mode: "hard" as const, spentMicroUsd: 0, resetsAt: day(6) };
    api.answer(200, { ...keyNo(1), budget, usage: undefined });
    await user.click(dialog.getByRole("button", { name: "Save budget" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls).toEqual([
      { method: "PATCH", url: `/api/user/api-keys/${idOf(1)}`, body: { budget: { monthlyUsd: 5, mode: "hard" } } },
    ]);
    expect((await item("Key 1").findByTestId("budget")).textContent).toContain("$0.00 of $5.00 this month");
    expect(item("Default").queryByTestId("budget")).toBeNull();
  });

  it("delete: asks first, then the key goes at once; a refusal brings it back", async () => {
    const api = fakeApi();
    const { user, card, order } = renderSection([keyNo(0), keyNo(1), keyNo(2)]);
    await user.click(card.getByRole("button", { name: "Delete Key 1" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete the OpenAI key “Key 1”?" });
    expect(api.calls).toEqual([]);
    api.answer(200, { success: true });
    await user.click(within(dialog).getByRole("button", { name: "Delete Key 1" }));
    expect(order()).toEqual(["key-item-Default", "key-item-Key 2"]);
    await waitFor(() => expect(api.calls[0]).toMatchObject({ method: "DELETE", url: `/api/user/api-keys/${idOf(1)}` }));

    await user.click(card.getByRole("button", { name: "Delete Key 2" }));
    api.answer(503, DOWN);
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Delete Key 2" }));
    expect(await screen.findByText("Couldn't delete the key “Key 2”")).toBeTruthy();
    expect(order()).toEqual(["key-item-Default", "key-item-Key 2"]);
  });

  it("the fallback switch saves the provider setting, and flips back when refused", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    const toggle = card.getByRole("switch", { name: "Always use my first key" });
    api.answer(200, { providerId: openai.id, fallback: false });
    await user.click(toggle);
    expect(api.calls[0]).toEqual({
      method: "PATCH",
      url: `/api/providers/${openai.id}/settings`,
      body: { fallback: false },
    });
    expect(toggle.getAttribute("aria-checked")).toBe("true");
    api.answer(503, DOWN);
    await user.click(toggle);
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("true"));
    expect(await screen.findByText("Couldn't change the OpenAI setting")).toBeTruthy();
  });
});

describe("Add another key", () => {
  it("the same dialog as the first key: show/hide, Test, a link to get a key, Save API Key; then a label, an expiry", async () => {
    const api = fakeApi();
    const { user, card, order } = renderSection([keyNo(0)]);
    await user.click(card.getByRole("button", { name: "Add another key" }));
    const dialog = await screen.findByRole("dialog", { name: "Add another OpenAI key" });
    const input = within(dialog).getByLabelText("API Key") as HTMLInputElement;
    expect(input.type).toBe("password");
    await user.click(within(dialog).getByRole("button", { name: "Show key" }));
    expect(input.type).toBe("text");
    expect(
      within(dialog)
        .getByRole("link", { name: /Get a key from OpenAI/ })
        .getAttribute("href"),
    ).toBe("https://platform.openai.com/api-keys");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toBeTruthy();

    await user.type(within(dialog).getByLabelText("Label"), "default");
    await user.type(input, "sk-test-valid-123456789012345678901234");
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    expect(within(dialog).getByText("Another key of this provider has that label.")).toBeTruthy();
    expect(api.calls).toEqual([]);

    api.answer(200, { valid: true, status: "valid", message: "Verified with OpenAI: the key can list models." });
    await user.click(within(dialog).getByRole("button", { name: "Test key" }));
    expect(await within(dialog).findByText("Verified with OpenAI: the key can list models.")).toBeTruthy();
    expect(api.calls[0]).toEqual({
      method: "POST",
      url: "/api/user/api-keys/test",
      body: { providerId: openai.id, apiKey: "sk-test-valid-123456789012345678901234" },
    });

    await user.clear(within(dialog).getByLabelText("Label"));
    await user.type(within(dialog).getByLabelText("Label"), "Work");
    await user.type(within(dialog).getByLabelText("Expires (optional)"), "2027-01-31");
    api.answer(200, {
      ...keyNo(1, { label: "Work" }),
      usage: undefined,
      validation: { status: "valid", message: "Verified." },
    });
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls[1]).toMatchObject({
      method: "POST",
      url: "/api/user/api-keys",
      body: { providerId: openai.id, label: "Work", expiresAt: expect.stringMatching(/^2027-0[12]-\d\dT/) },
    });
    expect(order()).toEqual(["key-item-Default", "key-item-Work"]);
    expect(await screen.findByText("Added the OpenAI key “Work”")).toBeTruthy();
  });
});
