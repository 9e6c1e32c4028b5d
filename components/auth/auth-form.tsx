"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert } from "./form-alert";

/**
 * The frame of the sign-in and sign-up forms: the alert, the fields, and a submit button that shows progress.
 * It is a real form posting to `action` (a route that answers with a redirect: lib/api/form-sign-in.ts), so it
 * works before the page's JavaScript runs, or without it, and never puts the fields into a URL; once hydrated,
 * `onSubmit` takes over (inline errors, busy state).
 */
export function AuthForm(props: {
  action: string;
  /** The path to return to after signing in, posted with the fields. */
  returnTo: string;
  busy: boolean;
  error: string | null;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (form: HTMLFormElement) => void;
  children: ReactNode;
}) {
  const { action, returnTo, busy, error, submitLabel, busyLabel, onSubmit, children } = props;
  return (
    <form
      action={action}
      method="post"
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) onSubmit(event.currentTarget);
      }}
    >
      <FormAlert message={error} />
      <input type="hidden" name="callbackUrl" value={returnTo} />
      {children}
      <Button type="submit" className="w-full" busy={busy}>
        {busy ? busyLabel : submitLabel}
      </Button>
    </form>
  );
}
