"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { signInSchema } from "@/lib/validation/auth";
import { Field } from "./field";
import { FormAlert } from "./form-alert";

type Errors = Partial<Record<"email" | "password", string>>;

export function LoginForm({ returnTo, notice }: { returnTo: string; notice: string | null }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);

  async function submit(form: HTMLFormElement) {
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const parsed = signInSchema.safeParse(data);
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    const result = await signIn("credentials", { ...parsed.data, redirect: false, callbackUrl: returnTo }).catch(() => undefined);
    if (result?.ok && !result.error) {
      router.replace(returnTo);
      router.refresh();
      return;
    }
    setBusy(false);
    setFormError(
      !result
        ? "Couldn't reach the server. Check your connection and try again."
        : result.error === "CredentialsSignin"
          ? "Incorrect email or password."
          : (result.error ?? "Sign-in failed. Please try again."),
    );
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
