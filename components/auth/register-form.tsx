"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { requestJson } from "@/lib/client/api";
import { registerSchema } from "@/lib/validation/auth";
import { Field } from "./field";
import { FormAlert } from "./form-alert";

type Errors = Partial<Record<"email" | "password" | "name", string>>;

export function RegisterForm({ returnTo }: { returnTo: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: HTMLFormElement) {
    const raw = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const body = { email: raw.email ?? "", password: raw.password ?? "", ...(raw.name?.trim() ? { name: raw.name } : {}) };
    const parsed = registerSchema.safeParse(body);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    const created = await requestJson<{ id: string; email: string }>("POST", "/api/auth/register", parsed.data);
    if (!created.ok) {
      setBusy(false);
      if (created.error.code === "email_taken") return setErrors({ email: created.error.message });
      if (created.error.fields) return setErrors(created.error.fields as Errors);
      return setFormError(created.error.message);
    }
    const signedIn = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false }).catch(
      () => undefined,
    );
    if (signedIn?.ok && !signedIn.error) {
      router.replace(returnTo);
      router.refresh();
    } else {
      router.replace("/login?registered=1");
    }
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
      <Button type="submit" className="w-full" disabled={busy}>
        {busy ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {busy ? "Creating account..." : "Create account"}
      </Button>
    </form>
  );
}
