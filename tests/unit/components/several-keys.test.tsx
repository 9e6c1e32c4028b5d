// @vitest-environment jsdom
import "./setup";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor } from "../../fixtures/key-view";

/** A card with several keys: the list, the primary, move buttons by id, expiry badges, the fallback switch. */
const NOW = Date.parse("2026-11-25T12:00:00Z");
const openai: ProviderView = { id: "11111111-1111-4111-8111-111111111111", registryId: "openai", name: "OpenAI", description: "GPT models." };
const day = (n: number) => new Date(NOW + n * 86_400_000).toISOString();

const keyNo = (n: number, overrides: Partial<ListedKeyView> = {}): ListedKeyView =>
  keyViewFor(openai, { id: `aaaaaaaa-aaaa-4aaa-8aaa-00000000000${n}`, label: n === 0 ? "Default" : `Key ${n}`, position: n, ...overrides });

function renderSection(keys: ListedKeyView[], firstKeyOnly: string[] = []) {
  const user = userEvent.setup();
  render(<ApiKeysSection providers={[openai]} initialKeys={keys} firstKeyOnly={firstKeyOnly} now={NOW} />);
  return { user, card: within(screen.getByRole("group", { name: "OpenAI" })) };
}

describe("a provider with several keys", () => {
  it("lists them in order, the primary marked, with expiry badges; one key shows no list", () => {
    const { card } = renderSection([keyNo(2, { expiresAt: day(-1) }), keyNo(0), keyNo(1, { expiresAt: day(3) })]);
    const items = within(card.getByTestId("key-list")).getAllByRole("listitem");
    expect(items.map((i) => i.getAttribute("data-testid"))).toEqual(["key-item-Default", "key-item-Key 1", "key-item-Key 2"]);
    expect(within(items[0]!).getByText("Primary")).toBeTruthy();
    expect(within(items[1]!).queryByText("Primary")).toBeNull();
    expect(within(items[1]!).getByTestId("expiry-badge").textContent).toBe("Expires in 3 days");
    expect(within(items[2]!).getByTestId("expiry-badge").textContent).toBe("Expired");
    expect((card.getByRole("button", { name: "Move Default up" }) as HTMLButtonElement).disabled).toBe(true);
    expect((card.getByRole("button", { name: "Move Key 2 down" }) as HTMLButtonElement).disabled).toBe(true);
    expect(card.getByRole("switch", { name: "Always use my first key" }).getAttribute("aria-checked")).toBe("false");
  });

  it("a single key: the card as before (its mask, no list, no fallback switch), with an Add another key link", () => {
    const { card } = renderSection([keyNo(0)]);
    expect(card.queryByTestId("key-list")).toBeNull();
    expect(card.getByTestId("masked-key")).toBeTruthy();
    expect(card.queryByText("Always use my first key")).toBeNull();
    expect(card.getByRole("button", { name: "Add another key" })).toBeTruthy();
    expect(card.getByRole("button", { name: "Update API Key" })).toBeTruthy();
  });

  it("move up sends the new position by id, then reads the keys again", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    api.answer(200, { ...keyNo(1, { position: 0 }), usage: undefined });
    api.answer(200, [keyNo(1, { position: 0 }), keyNo(0, { position: 1 })]);
    await user.click(card.getByRole("button", { name: "Move Key 1 up" }));
    expect(api.calls[0]).toEqual({ method: "PATCH", url: "/api/user/api-keys/aaaaaaaa-aaaa-4aaa-8aaa-000000000001", body: { position: 0 } });
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls[1]).toMatchObject({ method: "GET", url: "/api/user/api-keys" });
    await waitFor(() => {
      const items = within(card.getByTestId("key-list")).getAllByRole("listitem");
      expect(items.map((i) => i.getAttribute("data-testid"))).toEqual(["key-item-Key 1", "key-item-Default"]);
    });
  });

  it("the fallback switch saves the provider setting", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    api.answer(200, { providerId: openai.id, fallback: false });
    await user.click(card.getByRole("switch", { name: "Always use my first key" }));
    expect(api.calls[0]).toEqual({ method: "PATCH", url: `/api/providers/${openai.id}/settings`, body: { fallback: false } });
    expect(card.getByRole("switch", { name: "Always use my first key" }).getAttribute("aria-checked")).toBe("true");
  });

  it("delete asks first, in a confirmation loaded on demand, then deletes that key by id", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyNo(0), keyNo(1)]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await user.click(card.getByRole("button", { name: "Delete Key 1" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete the OpenAI key “Key 1”?" });
    expect(api.calls).toEqual([]);
    api.answer(200, { success: true });
    api.answer(200, [keyNo(0)]);
    await user.click(within(dialog).getByRole("button", { name: "Delete Key 1" }));
    await waitFor(() => expect(api.calls[0]).toMatchObject({ method: "DELETE", url: "/api/user/api-keys/aaaaaaaa-aaaa-4aaa-8aaa-000000000001" }));
  });
});
