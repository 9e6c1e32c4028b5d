// @vitest-environment jsdom
import "./setup";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { LazyToaster } from "@/components/toaster";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor, unchecked } from "../../fixtures/key-view";
import { openai, anthropic, google } from "../../fixtures/providers";

const NOW = Date.parse("2026-11-25T12:00:00Z");

function renderSection(keys: ListedKeyView[] = [], providers = [openai, anthropic, google]) {
  const user = userEvent.setup();
  render(
    <>
      <ApiKeysSection providers={providers} initialKeys={keys} now={NOW} />
      <LazyToaster />
    </>,
  );
  const card = (name: string) => screen.getByRole("group", { name });
  return { user, card };
}

describe("provider cards", () => {
  it("show each state: required, set (masked, verified, enabled), needs re-entry, saved without a check", () => {
    const { card } = renderSection([
      keyViewFor(openai),
      keyViewFor(anthropic, { needsReentry: true }),
      keyViewFor(google, { ...unchecked, isEnabled: false }),
    ]);
    expect(within(card("OpenAI")).getByText("API Key Set")).toBeTruthy();
    expect(within(card("OpenAI")).getByText("sk-p****************mnop")).toBeTruthy();
    expect(within(card("OpenAI")).getByText("Verified 5 minutes ago")).toBeTruthy();
    expect(
      within(card("OpenAI")).getByRole("switch", { name: "Use the OpenAI API key" }).getAttribute("aria-checked"),
    ).toBe("true");
    expect(within(card("OpenAI")).getByRole("button", { name: "Update API Key" })).toBeTruthy();

    expect(within(card("Anthropic")).getByText("Needs re-entry")).toBeTruthy();
    expect(within(card("Anthropic")).getByText("API Key Set")).toBeTruthy();
    expect(within(card("OpenAI")).queryByText("Needs re-entry")).toBeNull();
    expect(within(card("Anthropic")).getByText(/Enter it again/)).toBeTruthy();

    expect(within(card("Google Gemini")).getByText("Saved without a check")).toBeTruthy();
    expect(within(card("Google Gemini")).getByRole("switch").getAttribute("aria-checked")).toBe("false");
  });

  it("show API Key Required and Add API Key, and no switch, without a key", () => {
    const { card } = renderSection([]);
    expect(within(card("OpenAI")).getByText("API Key Required")).toBeTruthy();
    expect(within(card("OpenAI")).getByRole("button", { name: "Add API Key" })).toBeTruthy();
    expect(within(card("OpenAI")).queryByRole("switch")).toBeNull();
  });

  it("say so when the catalogue is empty", () => {
    renderSection([], []);
    expect(screen.getByText(/No providers are available yet/)).toBeTruthy();
  });
});

describe("the enable switch", () => {
  it("flips at once, and rolls back with a toast when the server fails", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(openai)]);
    const toggle = within(card("OpenAI")).getByRole("switch");
    api.pause();
    api.answer(503, {
      error: "The database is unavailable right now. Nothing was changed; please try again.",
      code: "database_unavailable",
    });
    await user.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("false"); // optimistic
    await act(async () => api.resume());
    await waitFor(() => expect(toggle.getAttribute("aria-checked")).toBe("true"));
    expect(await screen.findByText("Couldn't disable the OpenAI key")).toBeTruthy();
    expect(api.calls).toEqual([
      { method: "PATCH", url: `/api/user/api-keys/${keyViewFor(openai).id}`, body: { isEnabled: false } },
    ]);
  });

  it("keeps the server's answer and confirms with a toast", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(openai)]);
    api.answer(200, { ...keyViewFor(openai), isEnabled: false });
    await user.click(within(card("OpenAI")).getByRole("switch"));
    expect(await screen.findByText("OpenAI API key disabled")).toBeTruthy();
    expect(within(card("OpenAI")).getByRole("switch").getAttribute("aria-checked")).toBe("false");
  });
  it("sends two quick flips one after the other, and ends as the user left it", async () => {
    const api = fakeApi();
    const key = keyViewFor(openai);
    const { user, card } = renderSection([key]);
    const toggle = within(card("OpenAI")).getByRole("switch");
    api.pause();
    api.answer(200, { ...key, isEnabled: false });
    api.answer(200, { ...key, isEnabled: true });
    await user.click(toggle);
    await user.click(toggle);
    expect(toggle.getAttribute("aria-checked")).toBe("true"); // both shown at once
    expect(api.calls).toHaveLength(1); // the second waits for the first's answer
    await act(async () => api.resume());
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls.map((call) => call.body)).toEqual([{ isEnabled: false }, { isEnabled: true }]);
    expect(await screen.findByText("OpenAI API key enabled")).toBeTruthy();
    expect(toggle.getAttribute("aria-checked")).toBe("true");
  });
});

describe("the key dialog", () => {
  async function open(user: ReturnType<typeof userEvent.setup>, card: (n: string) => HTMLElement, name = "OpenAI") {
    await user.click(within(card(name)).getByRole("button", { name: /API Key$/ }));
    return screen.findByRole("dialog", { name: `${name} API Key` });
  }

  it("has a private, labelled key field, the provider's key shape and a link to get a key", async () => {
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    const input = within(dialog).getByLabelText("API Key") as HTMLInputElement;
    expect(input.type).toBe("password");
    expect(input.getAttribute("autocomplete")).toBe("off");
    expect(input.getAttribute("spellcheck")).toBe("false");
    expect(input.placeholder).toBe("sk-proj-…");
    expect(document.activeElement).toBe(input);
    expect(
      within(dialog)
        .getByRole("link", { name: /Get a key from OpenAI/ })
        .getAttribute("href"),
    ).toBe("https://platform.openai.com/api-keys");
    const save = within(dialog).getByRole("button", { name: "Save API Key" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.type(input, "not-like-openai");
    expect(save.disabled).toBe(false);
    expect(
      within(dialog).getByText(
        /doesn't look like an OpenAI key \(they usually start with sk- and have 20 or more letters and digits after it\)\. You can still save it\./,
      ),
    ).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Show key" }));
    expect(input.type).toBe("text");
  });

  it("saves, shows Saving... meanwhile, closes, and updates the card in place", async () => {
    const api = fakeApi();
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    await user.type(within(dialog).getByLabelText("API Key"), "  sk-proj-abcdefghijklmnopqrstuvwxyz  ");
    api.pause();
    api.answer(200, {
      ...keyViewFor(openai, { apiKey: "sk-p***********************wxyz" }),
      validation: { status: "valid", message: "Verified with OpenAI: the key can list models." },
    });
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    expect(within(dialog).getByRole("button", { name: "Saving..." }).getAttribute("aria-disabled")).toBe("true");
    await act(async () => api.resume());
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls[0]).toEqual({
      method: "POST",
      url: "/api/user/api-keys",
      body: { providerId: openai.id, apiKey: "sk-proj-abcdefghijklmnopqrstuvwxyz" },
    });
    expect(within(card("OpenAI")).getByText("API Key Set")).toBeTruthy();
    expect(within(card("OpenAI")).getByText("sk-p***********************wxyz")).toBeTruthy();
    expect(await screen.findByText("OpenAI API key saved")).toBeTruthy();
    expect(document.body.innerHTML).not.toContain("abcdefghijklmnopqrstuvwxyz");
  });

  it("shows a rejected key under the field and keeps the dialog open", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(openai)]);
    const dialog = await open(user, card);
    const input = within(dialog).getByLabelText("API Key");
    await user.type(input, "sk-test-invalid-1234567890");
    api.answer(400, { error: "OpenAI rejected this key.", code: "invalid_api_key" });
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("OpenAI rejected this key.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("dialog")).toBeTruthy();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(within(card("OpenAI")).getByText("sk-p****************mnop")).toBeTruthy();
  });

  it("offers Save anyway when the provider is unreachable, and sends skipValidation", async () => {
    const api = fakeApi();
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    await user.type(within(dialog).getByLabelText("API Key"), "sk-test-slow-1234567890");
    api.answer(502, {
      error: "Couldn't reach OpenAI to check the key (timed out after 8 s).",
      code: "provider_unreachable",
    });
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    expect((await within(dialog).findByRole("status")).textContent).toContain("timed out after 8 s");
    api.answer(200, { ...keyViewFor(openai, unchecked), validation: null });
    await user.click(within(dialog).getByRole("button", { name: "Save anyway" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls[1]!.body).toEqual({
      providerId: openai.id,
      apiKey: "sk-test-slow-1234567890",
      skipValidation: true,
    });
    expect(within(card("OpenAI")).getByText("Saved without a check")).toBeTruthy();
  });

  it("says when to retry after too many checks", async () => {
    const api = fakeApi();
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    await user.type(within(dialog).getByLabelText("API Key"), "sk-test-valid-1234567890");
    api.answer(
      429,
      { error: "Too many key checks. You can check 20 keys a minute; try again in 42 s.", code: "rate_limited" },
      { "retry-after": "42" },
    );
    await user.click(within(dialog).getByRole("button", { name: "Test key" }));
    expect((await within(dialog).findByRole("status")).textContent).toContain("try again in 42 s");
  });

  it("refuses a key with a line break before sending anything", async () => {
    const api = fakeApi();
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    const input = within(dialog).getByLabelText("API Key") as HTMLInputElement;
    await user.click(input);
    await user.paste("sk-test\u0000valid");
    await user.click(within(dialog).getByRole("button", { name: "Save API Key" }));
    expect(within(dialog).getByRole("alert").textContent).toMatch(/control characters/);
    expect(api.calls).toEqual([]);
  });

  it("clears the field when closed, and returns focus to the card's button", async () => {
    const { user, card } = renderSection();
    const dialog = await open(user, card);
    await user.type(within(dialog).getByLabelText("API Key"), "sk-secret-typed");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const trigger = within(card("OpenAI")).getByRole("button", { name: "Add API Key" });
    await waitFor(() => expect(document.activeElement).toBe(trigger));
    expect(document.body.innerHTML).not.toContain("sk-secret-typed");
    const again = await open(user, card);
    expect((within(again).getByLabelText("API Key") as HTMLInputElement).value).toBe("");
  });

  it("deletes only after confirmation, then shows the card without a key", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(openai)]);
    const dialog = await open(user, card);
    await user.click(within(dialog).getByRole("button", { name: "Delete API Key" }));
    const confirm = screen.getByRole("alertdialog", { name: "Delete your OpenAI API key?" });
    expect(api.calls).toEqual([]);
    api.answer(200, { success: true });
    await user.click(within(confirm).getByRole("button", { name: "Delete API Key" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls).toEqual([{ method: "DELETE", url: "/api/user/api-keys", body: { providerId: openai.id } }]);
    expect(within(card("OpenAI")).getByText("API Key Required")).toBeTruthy();
  });

  it("tests the saved key when the field is empty", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(openai)]);
    const dialog = await open(user, card);
    api.answer(200, {
      valid: false,
      status: "undecryptable",
      message: "Your saved OpenAI key can no longer be read. Please enter it again.",
    });
    await user.click(within(dialog).getByRole("button", { name: "Test saved key" }));
    expect((await within(dialog).findByRole("status")).textContent).toContain("can no longer be read");
    expect(api.calls[0]!.body).toEqual({ providerId: openai.id });
  });
});
