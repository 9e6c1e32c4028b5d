"use client";

import { type RefObject, useRef, useState } from "react";
import { Field } from "@/components/auth/field";
import { FormAlert } from "@/components/auth/form-alert";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { callApi } from "@/lib/client/api";
import { signOut } from "@/lib/client/sign-out";
import { PASSWORD_MESSAGES } from "@/lib/validation/password-rules";

/** The two confirmations of the Account section, loaded when first wanted (account-actions.tsx). */
interface DialogProps {
  onClose: () => void;
  /** The button that opened the dialog, focused again when it closes. */
  returnFocusTo: () => void;
}

export function SignOutEverywhereDialog({ onClose, returnFocusTo }: DialogProps) {
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    const result = await callApi("revokeSessions");
    if (result.ok) return signOut("/login?signedOut=everywhere");
    setBusy(false);
    setAlert(result.error.message);
  }

  return (
    <AlertDialog open onOpenChange={(open) => !open && !busy && onClose()}>
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo();
        }}
      >
        <AlertDialogTitle>Sign out everywhere?</AlertDialogTitle>
        <AlertDialogDescription>
          Every browser and device signed in to your account, this one included, will have to sign in again.
        </AlertDialogDescription>
        <FormAlert message={alert} />
        <AlertDialogFooter>
          <AlertDialogCancel disabled={busy}>Stay signed in</AlertDialogCancel>
          <AlertDialogAction busy={busy} onClick={() => void confirm()}>
            {busy ? "Signing out..." : "Sign out everywhere"}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/** The password's error, the dialog's alert, and the deletion: the account goes, or the password is asked again. */
function useDeleteAccount(input: RefObject<HTMLInputElement | null>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [alert, setAlert] = useState<string | null>(null);

  async function confirm() {
    const password = input.current?.value ?? "";
    setAlert(null);
    if (password === "") return setError(PASSWORD_MESSAGES.current);
    setBusy(true);
    const result = await callApi("deleteAccount", { body: { password } });
    if (result.ok) return signOut("/");
    setBusy(false);
    if (result.error.code === "wrong_password") {
      setError(result.error.message);
      input.current?.focus();
    } else setAlert(result.error.message);
  }

  return { busy, error, setError, alert, confirm };
}

export function DeleteAccountDialog({ onClose, returnFocusTo }: DialogProps) {
  const input = useRef<HTMLInputElement>(null);
  const { busy, error, setError, alert, confirm } = useDeleteAccount(input);

  return (
    <AlertDialog open onOpenChange={(open) => !open && !busy && onClose()}>
      <AlertDialogContent
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          input.current?.focus();
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo();
        }}
      >
        <AlertDialogTitle>Delete your account?</AlertDialogTitle>
        <AlertDialogDescription>
          Your account, your API keys and everything else stored for you are deleted at once. This cannot be undone.
        </AlertDialogDescription>
        <form
          noValidate
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void confirm();
          }}
        >
          <FormAlert message={alert} />
          <Field
            ref={input}
            id="delete-account-password"
            name="password"
            type="password"
            label="Password"
            autoComplete="current-password"
            required
            error={error}
            onChange={() => setError(undefined)}
          />
          <AlertDialogFooter>
            <AlertDialogCancel disabled={busy}>Keep account</AlertDialogCancel>
            <AlertDialogAction type="submit" busy={busy}>
              {busy ? "Deleting..." : "Delete account"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
