import type { ReactNode } from "react";
import { Field } from "@/components/auth/field";
import { FormAlert } from "@/components/auth/form-alert";
import type { KeptInput } from "@/components/ui/deferred-section";

export type PasswordErrors = { currentPassword?: string; newPassword?: string };

/** The password form's fields (and its alert), as the stand-in and the working form both show them. */
export function PasswordFields({
  errors,
  alert,
  kept,
}: {
  errors: PasswordErrors;
  alert: string | null;
  kept?: KeptInput;
}) {
  return (
    <>
      <FormAlert message={alert} />
      <Field
        id="current-password"
        name="currentPassword"
        type="password"
        label="Current password"
        autoComplete="current-password"
        required
        defaultValue={kept?.values.currentPassword}
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
        defaultValue={kept?.values.newPassword}
        error={errors.newPassword}
      />
    </>
  );
}

/** "Sign out everywhere" and "Delete account", each with its sentence: the buttons are the caller's. */
export function AccountActionRows({ signOut, remove }: { signOut: ReactNode; remove: ReactNode }) {
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <p className="text-sm text-muted-foreground">
          Signed in somewhere you should not be? End every session, this one included.
        </p>
        {signOut}
      </div>
      <div className="space-y-2">
        <p className="text-sm text-muted-foreground">Deletes your account and every key stored for it.</p>
        {remove}
      </div>
    </div>
  );
}
