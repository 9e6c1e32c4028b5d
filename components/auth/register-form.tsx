"use client";

import { useRouter } from "next/navigation";
import { callApi } from "@/lib/client/api";
import { registerSchema } from "@/lib/validation/auth";
import { Field } from "./field";
import { AuthForm } from "./auth-form";
import { signInWithPassword, useAuthForm } from "./use-auth-form";

export function RegisterForm({ returnTo, notice }: { returnTo: string; notice: string | null }) {
  const router = useRouter();
  const { errors, setErrors, formError, setFormError, busy, setBusy, validate } = useAuthForm(registerSchema, notice);

  async function submit(form: HTMLFormElement) {
    const raw = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const account = validate({
      email: raw.email ?? "",
      password: raw.password ?? "",
      ...(raw.name?.trim() ? { name: raw.name } : {}),
    });
    if (!account) return;
    setBusy(true);
    const created = await callApi("register", { body: account });
    if (!created.ok) {
      setBusy(false);
      if (created.error.code === "email_taken") return setErrors({ email: created.error.message });
      if (created.error.fields) return setErrors(created.error.fields);
      return setFormError(created.error.message);
    }
    if (await signInWithPassword(account.email, account.password, returnTo)) {
      router.replace("/login?registered=1");
      return;
    }
    router.replace(returnTo);
    router.refresh();
  }

  return (
    <AuthForm
      action="/api/auth/register"
      returnTo={returnTo}
      busy={busy}
      error={formError}
      submitLabel="Create account"
      busyLabel="Creating account..."
      onSubmit={(form) => void submit(form)}
    >
      <Field id="name" name="name" label="Name (optional)" autoComplete="name" error={errors.name} />
      <Field id="email" name="email" type="email" label="Email" autoComplete="email" required error={errors.email} />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        error={errors.password}
      />
    </AuthForm>
  );
}
