// @vitest-environment jsdom
import "./setup";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AccountPanel } from "@/components/account/account-panel";
import { AccountStandIn } from "@/components/account/account-stand-in";
import { DeferredAccount } from "@/components/account/deferred-account";
import { LazyToaster } from "@/components/toaster";
import { signOut } from "@/lib/client/sign-out";
import { fakeApi } from "../../fixtures/fake-api";

// Signing out navigates the whole page away: outside what jsdom can do, and proven in the browser (tests/e2e).
vi.mock("@/lib/client/sign-out", () => ({ signOut: vi.fn(async () => {}) }));

function renderSection() {
  const user = userEvent.setup();
  render(
    <>
      <AccountPanel />
      <LazyToaster />
    </>,
  );
  return { user, passwordCard: () => screen.getByRole("group", { name: "Change password" }) };
}

beforeEach(() => vi.mocked(signOut).mockClear());

describe("change password", () => {
  it("checks the fields before sending anything", async () => {
    const api = fakeApi();
    const { user, passwordCard } = renderSection();
    await user.type(within(passwordCard()).getByLabelText("New password"), "short");
    await user.click(within(passwordCard()).getByRole("button", { name: "Change password" }));
    expect(within(passwordCard()).getByText("Enter your password.")).toBeTruthy();
    expect(within(passwordCard()).getByText("Use at least 8 characters.")).toBeTruthy();
    expect(within(passwordCard()).getByLabelText("New password").getAttribute("aria-invalid")).toBe("true");
    expect(api.calls).toEqual([]);
  });

  it("shows a wrong current password on its field, then confirms a change and clears the form", async () => {
    const api = fakeApi();
    const { user, passwordCard } = renderSection();
    const card = within(passwordCard());
    await user.type(card.getByLabelText("Current password"), "not it");
    await user.type(card.getByLabelText("New password"), "a brand new password");
    api.answer(400, { error: "Your current password is not right.", code: "wrong_password" });
    await user.click(card.getByRole("button", { name: "Change password" }));
    expect(await card.findByText("Your current password is not right.")).toBeTruthy();
    expect(api.calls[0]).toEqual({
      method: "POST",
      url: "/api/user/password",
      body: { currentPassword: "not it", newPassword: "a brand new password" },
    });

    await user.clear(card.getByLabelText("Current password"));
    await user.type(card.getByLabelText("Current password"), "the right one");
    api.answer(200, { success: true });
    await user.click(card.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("Password changed")).toBeTruthy();
    expect((card.getByLabelText("Current password") as HTMLInputElement).value).toBe("");
  });
});

describe("sign out everywhere and delete account", () => {
  it("sign out everywhere asks first, ends every session, then signs this browser out", async () => {
    const api = fakeApi();
    const { user } = renderSection();
    await user.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Sign out everywhere?" });
    api.answer(200, { revoked: 2 });
    await user.click(within(dialog).getByRole("button", { name: "Sign out everywhere" }));
    await waitFor(() => expect(signOut).toHaveBeenCalledWith("/login?signedOut=everywhere"));
    expect(api.calls).toEqual([{ method: "POST", url: "/api/user/sessions/revoke", body: undefined }]);
  });

  it("delete account needs the password; a wrong one is shown on the field; Escape keeps the account", async () => {
    const api = fakeApi();
    const { user } = renderSection();
    const trigger = screen.getByRole("button", { name: "Delete account" });
    await user.click(trigger);
    let dialog = await screen.findByRole("alertdialog", { name: "Delete your account?" });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(document.activeElement).toBe(trigger);

    await user.click(trigger);
    dialog = await screen.findByRole("alertdialog", { name: "Delete your account?" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Password"));
    await user.keyboard("{Enter}");
    expect(within(dialog).getByText("Enter your password.")).toBeTruthy();
    await user.type(within(dialog).getByLabelText("Password"), "not it");
    api.answer(400, { error: "Your password is not right.", code: "wrong_password" });
    await user.keyboard("{Enter}");
    expect(await within(dialog).findByText("Your password is not right.")).toBeTruthy();
    expect(signOut).not.toHaveBeenCalled();

    await user.clear(within(dialog).getByLabelText("Password"));
    api.answer(200, { success: true });
    await user.type(within(dialog).getByLabelText("Password"), "the right one{Enter}");
    await waitFor(() => expect(signOut).toHaveBeenCalledWith("/"));
    expect(api.calls.at(-1)).toEqual({ method: "DELETE", url: "/api/user", body: { password: "the right one" } });
  });
});

describe("the section as the page first shows it (deferred)", () => {
  /** An IntersectionObserver that never reports: the section stays far from the screen. */
  function farFromScreen() {
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        observe() {}
        disconnect() {}
      },
    );
  }
  const deferred = () => (
    <DeferredAccount>
      <AccountStandIn />
    </DeferredAccount>
  );

  /** With fresh modules: the panel's code is not loaded yet (the tests above loaded it), so it arrives a moment later. */
  async function renderFresh() {
    vi.resetModules();
    const { DeferredAccount: Deferred } = await import("@/components/account/deferred-account");
    const { AccountStandIn: StandIn } = await import("@/components/account/account-stand-in");
    render(
      <Deferred>
        <StandIn />
      </Deferred>,
    );
    return screen.getByRole("button", { name: "Change password" });
  }

  it("keeps what was typed into the stand-in, and the focus, when the form's code arrives", async () => {
    farFromScreen();
    const api = fakeApi();
    const standIn = await renderFresh();
    expect(standIn.hasAttribute("disabled")).toBe(true);
    // Focused and typed into faster than the code arrives: it goes to the stand-in's field.
    screen.getByLabelText<HTMLInputElement>("Current password").focus();
    fireEvent.input(screen.getByLabelText("Current password"), { target: { value: "old secret" } });
    expect(screen.getByRole("button", { name: "Change password" })).toBe(standIn);
    // The working form replaces the stand-in: its button is enabled, the typing and the focus carried over.
    await waitFor(() => expect(screen.getByRole("button", { name: "Change password" })).not.toBe(standIn));
    const current = screen.getByLabelText<HTMLInputElement>("Current password");
    expect(current.value).toBe("old secret");
    expect(document.activeElement).toBe(current);
    const user = userEvent.setup();
    await user.keyboard("!"); // the caret was left at the end
    await user.type(screen.getByLabelText("New password"), "a new long one");
    api.answer(200, { success: true });
    await user.click(screen.getByRole("button", { name: "Change password" }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]!.body).toEqual({ currentPassword: "old secret!", newPassword: "a new long one" });
  });

  it("sends the form once its code is there when Enter was pressed in the stand-in", async () => {
    farFromScreen();
    const api = fakeApi();
    api.answer(200, { success: true });
    const standIn = await renderFresh();
    fireEvent.focusIn(screen.getByLabelText("Current password"));
    fireEvent.input(screen.getByLabelText("Current password"), { target: { value: "old secret" } });
    fireEvent.input(screen.getByLabelText("New password"), { target: { value: "a new long one" } });
    fireEvent.keyDown(screen.getByLabelText("New password"), { key: "Enter" });
    expect(screen.getByRole("button", { name: "Change password" })).toBe(standIn);
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]!.body).toEqual({ currentPassword: "old secret", newPassword: "a new long one" });
  });

  it("opens the dialog of the stand-in's button that was pressed", async () => {
    farFromScreen();
    fakeApi();
    const user = userEvent.setup();
    render(deferred());
    await user.click(screen.getByRole("button", { name: "Delete account" }));
    expect(await screen.findByRole("alertdialog", { name: "Delete your account?" })).toBeTruthy();
  });
});
