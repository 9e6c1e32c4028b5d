"use client";

import { useLayoutEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { callApi } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import { useHydrated } from "@/lib/client/use-hydrated";
import { newPasswordProblem, PASSWORD_MESSAGES } from "@/lib/validation/password-rules";
import type { KeptInput } from "@/components/ui/deferred-section";
import { PasswordFields, type PasswordErrors as Errors } from "./account-parts";

/** The form's errors and its submission: checked here first, then by the server. */
function useChangePassword() {
  const [errors, setErrors] = useState<Errors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const currentPassword = String(data.get("currentPassword") ?? "");
    const newPassword = String(data.get("newPassword") ?? "");
    const found: Errors = {
      currentPassword: currentPassword === "" ? PASSWORD_MESSAGES.current : undefined,
      newPassword: newPasswordProblem(newPassword) ?? undefined,
    };
    setErrors(found);
    setAlert(null);
    if (found.currentPassword || found.newPassword) return;
    setBusy(true);
    const result = await callApi("changePassword", { body: { currentPassword, newPassword } });
    setBusy(false);
    if (result.ok) {
      form.reset();
      toast.success("Password changed", { description: "Every other browser and device has been signed out." });
      return;
    }
    if (result.error.code === "wrong_password") return setErrors({ currentPassword: result.error.message });
    if (result.error.fields) return setErrors(result.error.fields);
    setAlert(result.error.message);
  }

  return { errors, alert, busy, submit };
}

/**
 * Current and new password; on success every other session ends (the server says so, the toast repeats it).
 * `kept`: what was done in the stand-in (account-stand-in.tsx) before this code arrived: the form takes over the
 * typing and the focus, and is sent at once if Enter was pressed, so not a keystroke is lost.
 */
export function ChangePasswordForm({ kept }: { kept?: KeptInput }) {
  const { errors, alert, busy, submit } = useChangePassword();
  // It posts JSON from script: before the page's JavaScript runs (or without it) it cannot be sent at all, and
  // it is a POST form so that the browser could never put the passwords into the address (GET /settings?…).
  const hydrated = useHydrated();
  const form = useRef<HTMLFormElement>(null);
  // A layout effect: in the same task as the swap, so no keystroke falls between the stand-in and this form.
  useLayoutEffect(() => {
    const field = kept?.focused ? form.current?.elements.namedItem(kept.focused) : null;
    if (field instanceof HTMLInputElement) {
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }
    if (kept?.submitted) form.current?.requestSubmit();
    // Once, when the form replaces the stand-in.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <form
      ref={form}
      method="post"
      noValidate
      aria-label="Change password"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(event.currentTarget);
      }}
    >
      <PasswordFields errors={errors} alert={alert} kept={kept} />
      <Button type="submit" busy={busy} disabled={!hydrated}>
        {busy ? "Changing password..." : "Change password"}
      </Button>
    </form>
  );
}
