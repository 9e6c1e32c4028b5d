"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert } from "./form-alert";

/** The frame of the sign-in and sign-up forms: the alert, the fields, and a submit button that shows progress. */
export function AuthForm(props: {
  busy: boolean;
  error: string | null;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (form: HTMLFormElement) => void;
  children: ReactNode;
}) {
  const { busy, error, submitLabel, busyLabel, onSubmit, children } = props;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) onSubmit(event.currentTarget);
      }}
    >
      <FormAlert message={error} />
      {children}
      <Button type="submit" className="w-full" busy={busy}>
        {busy ? busyLabel : submitLabel}
      </Button>
    </form>
  );
}
