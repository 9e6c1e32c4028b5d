// @vitest-environment jsdom
import "./setup";
import { act, render, renderHook, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { DeleteKeyConfirm } from "@/components/api-keys/delete-key-confirm";
import { aKey, KeyInput } from "@/components/api-keys/key-input";
import { KeyResultNotice } from "@/components/api-keys/key-result-notice";
import { useKeyActions } from "@/components/api-keys/use-key-actions";
import { Button } from "@/components/ui/button";
import type { KeyView } from "@/lib/validation/api-keys";
import { fakeApi } from "../../fixtures/fake-api";
import { openai } from "../../fixtures/providers";

const stored: KeyView = {
  id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
  providerId: openai.id,
  apiKey: "sk-p******************************mnop",
  isEnabled: true,
  label: "Default",
  position: 0,
  expiresAt: null,
  createdAt: "2026-11-24T11:00:00.000Z",
  updatedAt: "2026-11-24T11:00:00.000Z",
  lastValidatedAt: null,
  needsReentry: false,
  health: "unchecked",
  healthCheckedAt: null,
  healthMessage: null,
  lastUsedAt: null,
  budget: null,
};

describe("Button: the one rule for busy buttons", () => {
  it("while waiting, stays focusable but ignores clicks; the busy one shows a spinner", async () => {
    const user = userEvent.setup();
    const onClick = vi.fn();
    const { rerender } = render(<Button onClick={onClick}>Save</Button>);
    await user.click(screen.getByRole("button"));
    expect(onClick).toHaveBeenCalledTimes(1);

    rerender(
      <Button onClick={onClick} waiting>
        Save
      </Button>,
    );
    const button = screen.getByRole("button");
    button.focus();
    await user.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(button.getAttribute("aria-disabled")).toBe("true");
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute("aria-busy")).toBeNull();

    rerender(
      <Button onClick={onClick} busy>
        Saving...
      </Button>,
    );
    await user.click(screen.getByRole("button", { name: "Saving..." }));
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("button").getAttribute("aria-busy")).toBe("true");
    expect(screen.getByRole("button").querySelector("svg.animate-spin")).not.toBeNull();
  });

  it("does not submit its form while waiting", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn((event: SubmitEvent) => event.preventDefault());
    render(
      <form onSubmit={(e) => onSubmit(e.nativeEvent as SubmitEvent)}>
        <Button type="submit" waiting>
          Save
        </Button>
      </form>,
    );
    await user.click(screen.getByRole("button"));
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

describe("KeyInput", () => {
  it("labels the field, links the error, warns about an unusual shape, and reports each edit", async () => {
    const user = userEvent.setup();
    const onEdit = vi.fn();
    const ref = createRef<HTMLInputElement>();
    const { rerender } = render(
      <KeyInput provider={openai} stored={stored} inputRef={ref} error={null} onEdit={onEdit} />,
    );
    const input = screen.getByLabelText("API Key") as HTMLInputElement;
    expect(ref.current).toBe(input);
    expect(screen.getByText("A key is saved (sk-p********…mnop). Saving replaces it.")).toBeTruthy();
    await user.type(input, "abc");
    expect(onEdit).toHaveBeenLastCalledWith("abc");
    expect(
      screen.getByText(
        /doesn't look like an OpenAI key \(they usually start with sk- and have 20 or more letters and digits after it\)\. You can still save it\./,
      ),
    ).toBeTruthy();

    rerender(
      <KeyInput provider={openai} stored={stored} inputRef={ref} error="OpenAI rejected this key." onEdit={onEdit} />,
    );
    const alert = screen.getByRole("alert");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain(alert.id);
    // The provider refused it: the hint no longer offers to save it anyway.
    expect(
      screen.getByText(
        "This doesn't look like an OpenAI key (they usually start with sk- and have 20 or more letters and digits after it).",
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/You can still save it/)).toBeNull();
  });

  it("says a or an as the provider's name is said", () => {
    expect(
      ["OpenAI", "Anthropic", "xAI", "OpenRouter", "Groq", "Google Gemini", "Mistral", "DeepSeek"].map(aKey),
    ).toEqual([
      "an OpenAI key",
      "an Anthropic key",
      "an xAI key",
      "an OpenRouter key",
      "a Groq key",
      "a Google Gemini key",
      "a Mistral key",
      "a DeepSeek key",
    ]);
  });
});

describe("KeyResultNotice", () => {
  it("announces the result and offers Save anyway, which waits while a request runs", async () => {
    const user = userEvent.setup();
    const onSaveAnyway = vi.fn();
    const notice = {
      tone: "warning" as const,
      text: "Couldn't reach OpenAI to check the key (timed out after 8 s).",
      saveAnyway: true,
    };
    const { rerender } = render(<KeyResultNotice notice={notice} waiting onSaveAnyway={onSaveAnyway} />);
    expect(screen.getByRole("status").textContent).toContain("timed out");
    await user.click(screen.getByRole("button", { name: "Save anyway" }));
    expect(onSaveAnyway).not.toHaveBeenCalled();
    rerender(<KeyResultNotice notice={notice} waiting={false} onSaveAnyway={onSaveAnyway} />);
    await user.click(screen.getByRole("button", { name: "Save anyway" }));
    expect(onSaveAnyway).toHaveBeenCalledTimes(1);
    rerender(
      <KeyResultNotice notice={{ tone: "success", text: "Verified." }} waiting={false} onSaveAnyway={onSaveAnyway} />,
    );
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("DeleteKeyConfirm", () => {
  it("asks before deleting, and shows Deleting... while it runs", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    const onOpenChange = vi.fn();
    const { rerender } = render(
      <DeleteKeyConfirm
        providerName="OpenAI"
        open={false}
        onOpenChange={onOpenChange}
        waiting={false}
        deleting={false}
        onConfirm={onConfirm}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Delete API Key" }));
    expect(onOpenChange).toHaveBeenCalledWith(true);
    expect(onConfirm).not.toHaveBeenCalled();

    rerender(
      <DeleteKeyConfirm
        providerName="OpenAI"
        open
        onOpenChange={onOpenChange}
        waiting={false}
        deleting={false}
        onConfirm={onConfirm}
      />,
    );
    const confirm = screen.getByRole("alertdialog", { name: "Delete your OpenAI API key?" });
    await user.click(screen.getAllByRole("button", { name: "Delete API Key" }).at(-1)!);
    expect(onConfirm).toHaveBeenCalledTimes(1);

    rerender(
      <DeleteKeyConfirm
        providerName="OpenAI"
        open
        onOpenChange={onOpenChange}
        waiting
        deleting
        onConfirm={onConfirm}
      />,
    );
    expect(confirm.querySelector("[aria-busy=true]")?.textContent).toBe("Deleting...");
  });

  it("does not open while another request of the dialog runs", async () => {
    const user = userEvent.setup();
    const onOpenChange = vi.fn();
    render(
      <DeleteKeyConfirm
        providerName="OpenAI"
        open={false}
        onOpenChange={onOpenChange}
        waiting
        deleting={false}
        onConfirm={() => {}}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Delete API Key" }));
    expect(onOpenChange).not.toHaveBeenCalled();
  });
});

describe("useKeyActions", () => {
  function setup(apiKey: KeyView | undefined = stored) {
    const callbacks = {
      onSaved: vi.fn(),
      onDeleted: vi.fn(),
      onTested: vi.fn(),
      onClose: vi.fn(),
      focusInput: vi.fn(),
    };
    const hook = renderHook(() => useKeyActions({ provider: openai, apiKey, ...callbacks }));
    return { ...callbacks, hook };
  }

  it("saves: sends the trimmed key, hands back the row without its validation, and closes", async () => {
    const api = fakeApi();
    const { hook, onSaved, onClose } = setup();
    api.answer(200, { ...stored, validation: { status: "valid", message: "Verified." } });
    await act(() => hook.result.current.save("  sk-test-valid-123456  "));
    expect(api.calls[0]!.body).toEqual({ providerId: openai.id, apiKey: "sk-test-valid-123456" });
    expect(onSaved).toHaveBeenCalledWith(stored);
    expect(onClose).toHaveBeenCalled();
    expect(hook.result.current.busy).toBeNull();
  });

  it("puts a rejected key's message under the field and the keyboard back in it; an unreachable provider offers Save anyway", async () => {
    const api = fakeApi();
    const { hook, focusInput, onClose } = setup();
    api.answer(400, { error: "OpenAI rejected this key.", code: "invalid_api_key" });
    await act(() => hook.result.current.save("sk-test-invalid-123456"));
    expect(hook.result.current.fieldErrors.apiKey).toBe("OpenAI rejected this key.");
    expect(focusInput).toHaveBeenCalled();
    api.answer(502, { error: "Couldn't reach OpenAI.", code: "provider_unreachable" });
    await act(() => hook.result.current.save("sk-test-slow-123456"));
    expect(hook.result.current.fieldErrors).toEqual({});
    expect(hook.result.current.notice).toEqual({ tone: "warning", text: "Couldn't reach OpenAI.", saveAnyway: true });
    expect(onClose).not.toHaveBeenCalled();
  });

  it("refuses a broken key in the browser, sending nothing", async () => {
    const api = fakeApi();
    const { hook, focusInput } = setup();
    await act(() => hook.result.current.save("sk-test\nvalid"));
    expect(hook.result.current.fieldErrors.apiKey).toMatch(/control characters/);
    expect(focusInput).toHaveBeenCalled();
    expect(api.calls).toEqual([]);
  });

  it("tests the stored key when given no key, and tells the card to reload the key's health", async () => {
    const api = fakeApi();
    const { hook, onSaved, onTested } = setup();
    api.answer(200, {
      valid: true,
      status: "valid",
      message: "Verified with OpenAI: the key can list models.",
      httpStatus: 200,
    });
    await act(() => hook.result.current.test(""));
    expect(api.calls[0]!.body).toEqual({ providerId: openai.id });
    expect(hook.result.current.notice).toEqual({
      tone: "success",
      text: "Verified with OpenAI: the key can list models.",
    });
    expect(onTested).toHaveBeenCalledTimes(1);
    expect(onSaved).not.toHaveBeenCalled();
    // A typed key is not the stored one: nothing to reload.
    api.answer(200, {
      valid: true,
      status: "valid",
      message: "Verified with OpenAI: the key can list models.",
      httpStatus: 200,
    });
    await act(() => hook.result.current.test("sk-test-valid-123456"));
    expect(onTested).toHaveBeenCalledTimes(1);
  });

  it("deletes; a key already gone still closes the dialog; a failure keeps it open with the reason", async () => {
    const api = fakeApi();
    const { hook, onDeleted, onClose } = setup();
    api.answer(503, { error: "The database is unavailable right now.", code: "database_unavailable" });
    expect(await act(() => hook.result.current.remove())).toBe(false);
    expect(hook.result.current.notice).toEqual({ tone: "error", text: "The database is unavailable right now." });
    expect(onDeleted).not.toHaveBeenCalled();
    api.answer(404, { error: "You have no API key for that provider.", code: "api_key_not_found" });
    expect(await act(() => hook.result.current.remove())).toBe(true);
    expect(onDeleted).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
