"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import type { z } from "zod";

/** State shared by the sign-in and sign-up forms: field errors from the shared zod schema, a form-level alert,
 * and the busy flag. */
export function useAuthForm<S extends z.ZodType>(schema: S, notice: string | null = null) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);

  /** The parsed data, or null with each field's first error shown. */
  function validate(data: unknown): z.output<S> | null {
    const parsed = schema.safeParse(data);
    if (parsed.success) {
      setErrors({});
      setFormError(null);
      return parsed.data;
    }
    const next: Record<string, string> = {};
    for (const issue of parsed.error.issues) next[String(issue.path[0])] ??= issue.message;
    setErrors(next);
    return null;
  }

  return { errors, setErrors, formError, setFormError, busy, setBusy, validate };
}

/** Credentials sign-in without a page reload; null when it worked, else the sentence to show. */
export async function signInWithPassword(email: string, password: string, callbackUrl: string): Promise<string | null> {
  const result = await signIn("credentials", { email, password, redirect: false, callbackUrl }).catch(() => undefined);
  if (result?.ok && !result.error) return null;
  if (!result) return "Couldn't reach the server. Check your connection and try again.";
  return result.error === "CredentialsSignin"
    ? "Incorrect email or password."
    : (result.error ?? "Sign-in failed. Please try again.");
}
