// @vitest-environment jsdom
import "./setup";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { LazyToaster } from "@/components/toaster";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { fakeApi } from "../../fixtures/fake-api";
import { keyViewFor } from "../../fixtures/key-view";
import { openai } from "../../fixtures/providers";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const vllm: ProviderView = {
  id: "44444444-4444-4444-8444-444444444444",
  registryId: "custom",
  name: "Lab vLLM",
  description: "",
  baseUrl: "https://vllm.lab.example/v1",
};
const created = {
  id: "55555555-5555-4555-8555-555555555555",
  name: "Home Ollama",
  slug: "home-ollama",
  baseUrl: "http://localhost:11434/v1",
  createdAt: "2026-11-25T12:00:00.000Z",
};

// Both dialogs load on demand; load them once up front, so that a cold transform of their modules is not
// counted against findByRole's one-second wait.
beforeAll(async () => {
  await Promise.all([import("@/components/api-keys/key-dialog"), import("@/components/endpoints/endpoint-dialog")]);
});

function renderSection(keys: ListedKeyView[] = [], providers: ProviderView[] = [openai, vllm]) {
  const user = userEvent.setup();
  render(
    <>
      <ApiKeysSection providers={providers} initialKeys={keys} now={NOW} />
      <LazyToaster />
    </>,
  );
  return { user, card: (name: string) => screen.getByRole("group", { name }) };
}

describe("endpoint cards", () => {
  it("sit under Custom Endpoints with their base URL, an Edit button and their key state", () => {
    const { card } = renderSection();
    expect(screen.getByRole("heading", { name: "Custom Endpoints" })).toBeTruthy();
    expect(within(card("Lab vLLM")).getByText("https://vllm.lab.example/v1")).toBeTruthy();
    expect(within(card("Lab vLLM")).getByText("Not Set Up")).toBeTruthy();
    expect(within(card("Lab vLLM")).getByRole("button", { name: "Edit Lab vLLM" })).toBeTruthy();
    expect(within(card("OpenAI")).queryByRole("button", { name: /Edit/ })).toBeNull();
  });

  it("say when an endpoint is used without a key", () => {
    const { card } = renderSection([keyViewFor(vllm, { apiKey: "" })]);
    expect(within(card("Lab vLLM")).getByText("No Key Needed")).toBeTruthy();
    expect(within(card("Lab vLLM")).getByText("Requests go without a key.")).toBeTruthy();
    expect(within(card("Lab vLLM")).getByRole("switch", { name: "Use Lab vLLM" })).toBeTruthy();
  });
});

describe("adding an endpoint", () => {
  it("checks the fields in the browser first, sending nothing", async () => {
    const api = fakeApi();
    const { user } = renderSection();
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "Add endpoint" });
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    expect(within(dialog).getByText("Enter a name.")).toBeTruthy();
    expect(within(dialog).getByText(/Enter the endpoint's base URL/)).toBeTruthy();
    expect(within(dialog).getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls).toEqual([]);
  });

  it("shows the server's refusal under the URL", async () => {
    const api = fakeApi();
    const { user } = renderSection();
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "Add endpoint" });
    await user.type(within(dialog).getByLabelText("Name"), "Metadata");
    await user.type(within(dialog).getByLabelText("Base URL"), "https://169.254.169.254/latest");
    const refusal =
      "This endpoint is not allowed: 169.254.169.254 is a link-local address (169.254.0.0/16, where cloud metadata services answer).";
    api.answer(400, { error: refusal, code: "endpoint_not_allowed" });
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe(refusal);
    expect(within(dialog).getByLabelText("Base URL").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls).toEqual([
      {
        method: "POST",
        url: "/api/user/endpoints",
        body: { name: "Metadata", baseUrl: "https://169.254.169.254/latest" },
      },
    ]);
  });

  it("adds a card and opens its key dialog, where an empty field saves the endpoint without a key", async () => {
    const api = fakeApi();
    const { user, card } = renderSection();
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "Add endpoint" });
    await user.type(within(dialog).getByLabelText("Name"), "  Home Ollama ");
    await user.type(within(dialog).getByLabelText("Base URL"), "http://localhost:11434/v1");
    api.answer(201, created);
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));

    const keyDialog = await screen.findByRole("dialog", { name: "Home Ollama API Key" });
    expect(
      within(keyDialog).getByText(/or leave the field empty if it needs none. It is checked with the endpoint/),
    ).toBeTruthy();
    expect((within(keyDialog).getByLabelText("API Key") as HTMLInputElement).placeholder).toBe("Empty: no key");
    expect(within(keyDialog).queryByRole("link")).toBeNull();
    expect((within(keyDialog).getByRole("button", { name: "Save API Key" }) as HTMLButtonElement).disabled).toBe(false);

    api.answer(200, {
      valid: true,
      status: "valid",
      message: "Verified with Home Ollama: it lets anyone list models without a key.",
      httpStatus: 200,
    });
    await user.click(within(keyDialog).getByRole("button", { name: "Test without a key" }));
    expect((await within(keyDialog).findByRole("status")).textContent).toContain("without a key");

    api.answer(200, {
      ...keyViewFor({ ...vllm, id: created.id }, { apiKey: "" }),
      validation: { status: "valid", message: "Verified." },
    });
    await user.click(within(keyDialog).getByRole("button", { name: "Save API Key" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls.slice(1).map((c) => c.body)).toEqual([
      { providerId: created.id, apiKey: null },
      { providerId: created.id, apiKey: null },
    ]);
    expect(within(card("Home Ollama")).getByText("No Key Needed")).toBeTruthy();
    expect(within(card("Home Ollama")).getByText("http://localhost:11434/v1")).toBeTruthy();
    expect(await screen.findByText("Home Ollama saved without a key")).toBeTruthy();
  });

  it("is closed to an 11th endpoint", () => {
    const ten = Array.from({ length: 10 }, (_, i): ProviderView => ({
      ...vllm,
      id: `44444444-4444-4444-8444-4444444444${10 + i}`,
      name: `E${i}`,
    }));
    renderSection([], [openai, ...ten]);
    expect((screen.getByRole("button", { name: "Add endpoint" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/You have 10 endpoints/)).toBeTruthy();
  });
});

describe("editing an endpoint", () => {
  it("renames in place, and moving it to another origin drops its key from the card", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(vllm)]);
    await user.click(within(card("Lab vLLM")).getByRole("button", { name: "Edit Lab vLLM" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Lab vLLM" });
    const url = within(dialog).getByLabelText("Base URL");
    await user.clear(url);
    await user.type(url, "https://other.lab.example/v1");
    expect(within(dialog).getByText(/its saved key, if any, is removed/)).toBeTruthy();
    api.answer(200, {
      id: vllm.id,
      name: "Lab vLLM",
      slug: "lab-vllm",
      baseUrl: "https://other.lab.example/v1",
      createdAt: created.createdAt,
    });
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.calls).toEqual([
      { method: "PATCH", url: `/api/user/endpoints/${vllm.id}`, body: { baseUrl: "https://other.lab.example/v1" } },
    ]);
    expect(within(card("Lab vLLM")).getByText("https://other.lab.example/v1")).toBeTruthy();
    expect(within(card("Lab vLLM")).getByText("Not Set Up")).toBeTruthy();
  });

  it("deletes after a confirmation, and the card goes", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyViewFor(vllm)]);
    await user.click(within(card("Lab vLLM")).getByRole("button", { name: "Edit Lab vLLM" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Lab vLLM" });
    await user.click(within(dialog).getByRole("button", { name: "Delete endpoint" }));
    const confirm = screen.getByRole("alertdialog", { name: "Delete Lab vLLM?" });
    expect(api.calls).toEqual([]);
    api.pause();
    api.answer(200, { success: true });
    await user.click(within(confirm).getByRole("button", { name: "Delete endpoint" }));
    expect(within(confirm).getByRole("button", { name: "Deleting..." })).toBeTruthy();
    await act(async () => api.resume());
    await waitFor(() => expect(screen.queryByRole("group", { name: "Lab vLLM" })).toBeNull());
    expect(api.calls).toEqual([{ method: "DELETE", url: `/api/user/endpoints/${vllm.id}`, body: undefined }]);
    // The Edit button went with the card: focus lands on the section's heading, not on the page's body.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Custom Endpoints" })));
  });
});
