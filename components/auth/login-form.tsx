"use client";

import { useRouter } from "next/navigation";
import { signInSchema } from "@/lib/validation/auth";
import { Field } from "./field";
import { AuthForm } from "./auth-form";
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
    <AuthForm
      action="/api/auth/login"
      returnTo={returnTo}
      busy={busy}
      error={formError}
      submitLabel="Sign in"
      busyLabel="Signing in..."
      onSubmit={(form) => void submit(form)}
    >
      <Field id="email" name="email" type="email" label="Email" autoComplete="email" required error={errors.email} />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="current-password"
        required
        error={errors.password}
      />
    </AuthForm>
  );
}
