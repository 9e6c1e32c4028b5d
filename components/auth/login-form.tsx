"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { signInSchema } from "@/lib/validation/auth";
import { Field } from "./field";
import { FormAlert } from "./form-alert";
import { signInWithPassword, useAuthForm } from "./use-auth-form";

export function LoginForm({ returnTo, notice }: { returnTo: string; notice: string | null }) {
  const router = useRouter();
  const { errors, formError, setFormError, busy, setBusy, validate } = useAuthForm(signInSchema, notice);

  async function submit(form: HTMLFormElement) {
    const credentials = validate(Object.fromEntries(new FormData(form)));
    if (!credentials) return;
    setBusy(true);
    const failure = await signInWithPassword(credentials.email, credentials.password, returnTo);
    if (!failure) {
      router.replace(returnTo);
      router.refresh();
      return;
    }
    setBusy(false);
    setFormError(failure);
  }

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(event.currentTarget);
      }}
    >
      <FormAlert message={formError} />
      <Field id="email" name="email" type="email" label="Email" autoComplete="email" required error={errors.email} />
      <Field id="password" name="password" type="password" label="Password" autoComplete="current-password" required error={errors.password} />
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {busy ? "Signing in..." : "Sign in"}
      </Button>
    </form>
  );
}
