// @vitest-environment jsdom
import "./setup";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DeferredTokens } from "@/components/tokens/deferred-tokens";
import { TokensPanel } from "@/components/tokens/tokens-panel";
import { TokensStandIn } from "@/components/tokens/tokens-stand-in";
import type { CreatedTokenView, TokenView } from "@/lib/validation/tokens";
import { fakeApi } from "../../fixtures/fake-api";
import { openai, anthropic } from "../../fixtures/providers";

/** The settings page's "Access tokens": create (shown once), list, revoke; the server's stand-in until the code loads. */
const NOW = Date.parse("2026-11-25T12:00:00Z");
const providers = [openai, anthropic];

function tokenView(n: number, overrides: Partial<TokenView> = {}): TokenView {
  return {
    id: `bbbbbbbb-bbbb-4bbb-8bbb-${String(n).padStart(12, "0")}`,
    name: `Token ${n}`,
    prefix: `kr_abcd${n}`,
    providerIds: null,
    expiresAt: null,
    budget: null,
    createdAt: "2026-11-20T11:00:00.000Z",
    lastUsedAt: null,
    usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 },
    ...overrides,
  };
}

const SECRET = `kr_${"A".repeat(43)}`;

function renderPanel(tokens: TokenView[]) {
  const user = userEvent.setup();
  render(<TokensPanel initialTokens={tokens} providers={providers} now={NOW} />);
  return { user, section: () => within(screen.getByRole("region", { name: "Access tokens" })) };
}

describe("access tokens", () => {
  it("empty: says what tokens are for; the list shows prefix, providers, expiry, last use and 30-day usage with cost", () => {
    const { unmount } = render(<TokensPanel initialTokens={[]} providers={providers} now={NOW} />);
    expect(screen.getByTestId("tokens-empty").textContent).toContain("No access tokens yet");
    unmount();
    renderPanel([
      tokenView(1, {
        providerIds: [anthropic.id],
        expiresAt: "2026-12-31T23:59:59.000Z",
        lastUsedAt: "2026-11-25T11:55:00.000Z",
        usage: { requests: 3, inputTokens: 1200, outputTokens: 300, costMicroUsd: 3_400 },
        budget: {
          monthlyMicroUsd: 5_000_000,
          mode: "hard",
          spentMicroUsd: 3_400,
          resetsAt: "2026-12-01T00:00:00.000Z",
        },
      }),
    ]);
    const row = screen.getByTestId("token-Token 1");
    expect(within(row).getByTestId("token-prefix").textContent).toBe("kr_abcd1…");
    expect(row.textContent).toContain("Anthropic · Expires 2026-12-31 · Budget $5.00 a month (hard), $0.0034 spent");
    expect(within(row).getByTestId("token-usage").textContent).toBe(
      "Used 5 minutes ago · 3 requests, 1.5k tokens, $0.0034 priced in 30 days",
    );
  });

  it("create: checks the name first, sends name, expiry, providers and budget, shows the token once with Copy, and Done removes it", async () => {
    const api = fakeApi();
    const { user, section } = renderPanel([]);
    await user.click(section().getByRole("button", { name: "Create token" }));
    const form = within(screen.getByRole("form", { name: "New access token" }));
    expect(document.activeElement).toBe(form.getByLabelText("Name"));
    await user.click(form.getByRole("button", { name: "Create token" }));
    expect(form.getByText("Enter a name for the token, such as where it will be used.")).toBeTruthy();
    expect(api.calls).toEqual([]);

    await user.type(form.getByLabelText("Name"), "laptop scripts");
    await user.type(form.getByLabelText("Expires on (optional)"), "2099-01-31");
    await user.click(form.getByRole("checkbox", { name: "OpenAI" }));
    await user.type(form.getByLabelText("Monthly budget in USD (optional)"), "7.50");
    await user.click(form.getByRole("radio", { name: "Only warn me (soft)" }));
    const created: CreatedTokenView = {
      ...tokenView(2, { name: "laptop scripts", providerIds: [openai.id] }),
      token: SECRET,
    };
    api.answer(201, created);
    await user.click(form.getByRole("button", { name: "Create token" }));

    const shown = await screen.findByTestId("created-token");
    expect(shown.textContent).toContain("Copy it now: you will not see it again.");
    expect((within(shown).getByLabelText("Your new access token") as HTMLInputElement).value).toBe(SECRET);
    expect(api.calls).toEqual([
      {
        method: "POST",
        url: "/api/user/tokens",
        body: {
          name: "laptop scripts",
          expiresAt: "2099-01-31T23:59:59Z",
          providerIds: [openai.id],
          budget: { monthlyUsd: 7.5, mode: "soft" },
        },
      },
    ]);
    expect(screen.getByTestId("token-laptop scripts").textContent).toContain("OpenAI · No expiry");

    await user.click(within(shown).getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(within(shown).getByRole("button", { name: "Copied" })).toBeTruthy();
    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("created-token")).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("the server's refusal is shown on its field; a refusal without fields says what happened", async () => {
    const api = fakeApi();
    const { user, section } = renderPanel([]);
    await user.click(section().getByRole("button", { name: "Create token" }));
    const form = within(screen.getByRole("form", { name: "New access token" }));
    await user.type(form.getByLabelText("Name"), "ci");
    await user.type(form.getByLabelText("Monthly budget in USD (optional)"), "abc");
    await user.click(form.getByRole("button", { name: "Create token" }));
    expect(form.getByText("Enter the budget in dollars, such as 20 or 7.50.")).toBeTruthy();
    await user.clear(form.getByLabelText("Monthly budget in USD (optional)"));
    api.answer(409, {
      error: "You can hold at most 20 access tokens. Revoke one to create another.",
      code: "token_limit_reached",
    });
    await user.click(form.getByRole("button", { name: "Create token" }));
    expect((await form.findByRole("alert")).textContent).toBe(
      "You can hold at most 20 access tokens. Revoke one to create another.",
    );
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("form")).toBeNull();
  });

  it("at 20 tokens: no Create button, the limit said instead", () => {
    renderPanel(Array.from({ length: 20 }, (_, i) => tokenView(i + 1)));
    expect(screen.queryByRole("button", { name: "Create token" })).toBeNull();
    expect(screen.getByTestId("token-limit").textContent).toContain(
      "You have 20 access tokens, the most you can hold. Revoke one to create another.",
    );
  });

  it("revoke asks first; Keep token keeps it; confirming deletes it and the keyboard goes back to Create token", async () => {
    const api = fakeApi();
    const { user } = renderPanel([tokenView(1), tokenView(2)]);
    await user.click(screen.getByRole("button", { name: "Revoke Token 1" }));
    let dialog = await screen.findByRole("alertdialog", { name: "Revoke the token “Token 1”?" });
    await user.click(within(dialog).getByRole("button", { name: "Keep token" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(api.calls).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Revoke Token 1" }));
    dialog = await screen.findByRole("alertdialog", { name: "Revoke the token “Token 1”?" });
    api.answer(200, { success: true });
    await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    await waitFor(() => expect(screen.queryByTestId("token-Token 1")).toBeNull());
    expect(api.calls).toEqual([{ method: "DELETE", url: `/api/user/tokens/${tokenView(1).id}`, body: undefined }]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Create token" })));
    expect(screen.getByTestId("token-Token 2")).toBeTruthy();
  });

  it("a failed revoke keeps the token and says why", async () => {
    const api = fakeApi();
    const { user } = renderPanel([tokenView(1)]);
    await user.click(screen.getByRole("button", { name: "Revoke Token 1" }));
    const dialog = await screen.findByRole("alertdialog");
    api.answer(503, {
      error: "The service is unavailable right now. Please try again shortly.",
      code: "service_unavailable",
    });
    await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Couldn't revoke “Token 1”: The service is unavailable right now. Please try again shortly.",
    );
    expect(screen.getByTestId("token-Token 1")).toBeTruthy();
  });

  it("the server's stand-in: its Create token opens the form once the panel's code is there", async () => {
    const user = userEvent.setup();
    // jsdom has no IntersectionObserver: the panel wakes at once, as in a browser without one.
    render(
      <DeferredTokens initialTokens={[]} providers={providers} now={NOW}>
        <TokensStandIn tokens={[]} providers={providers} now={NOW} />
      </DeferredTokens>,
    );
    const button = await screen.findByRole("button", { name: "Create token" });
    await user.click(button);
    expect(await screen.findByRole("form", { name: "New access token" })).toBeTruthy();
  });

  it("the stand-in's Create token opens the form when the panel replaced it between the press and the click", async () => {
    // Fresh modules: the panel's code is not loaded yet (the tests above loaded it), so it arrives a moment later.
    vi.resetModules();
    const { DeferredTokens: Deferred } = await import("@/components/tokens/deferred-tokens");
    const { TokensStandIn: StandIn } = await import("@/components/tokens/tokens-stand-in");
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        observe() {}
        disconnect() {}
      },
    );
    render(
      <Deferred initialTokens={[]} providers={providers} now={NOW}>
        <StandIn tokens={[]} providers={providers} now={NOW} />
      </Deferred>,
    );
    // The pointer goes down on the stand-in's button; the panel is in before it comes up, so the browser sends the
    // click to no button at all.
    fireEvent.pointerDown(screen.getByRole("button", { name: "Create token" }), { button: 0 });
    expect(await screen.findByRole("form", { name: "New access token" })).toBeTruthy();
  });
});
