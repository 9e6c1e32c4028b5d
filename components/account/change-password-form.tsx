"use client";

import { useState } from "react";
import { Field } from "@/components/auth/field";
import { FormAlert } from "@/components/auth/form-alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import { useHydrated } from "@/lib/client/use-hydrated";
import { newPasswordProblem, PASSWORD_MESSAGES } from "@/lib/validation/password-rules";

type Errors = { currentPassword?: string; newPassword?: string };

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

/** Current and new password; on success every other session ends (the server says so, the toast repeats it). */
export function ChangePasswordForm() {
  const { errors, alert, busy, submit } = useChangePassword();
  // It posts JSON from script: before the page's JavaScript runs (or without it) it cannot be sent at all, and
  // it is a POST form so that the browser could never put the passwords into the address (GET /settings?…).
  const hydrated = useHydrated();

  return (
    <form
      method="post"
      noValidate
      aria-label="Change password"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(event.currentTarget);
      }}
    >
      <FormAlert message={alert} />
      <Field
        id="current-password"
        name="currentPassword"
        type="password"
        label="Current password"
        autoComplete="current-password"
        required
        error={errors.currentPassword}
      />
      <Field
        id="new-password"
        name="newPassword"
        type="password"
        label="New password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        error={errors.newPassword}
      />
      <Button type="submit" busy={busy} disabled={!hydrated}>
        {busy ? "Changing password..." : "Change password"}
      </Button>
    </form>
  );
}
