"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Field } from "@/components/auth/field";
import { type BudgetDraft, BudgetFields, budgetOfDraft } from "@/components/spend/budget-fields";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { callApi } from "@/lib/client/api";
import { nameProblem } from "@/lib/validation/label-rules";
import type { ProviderView } from "@/lib/validation/providers";
import type { CreatedTokenView } from "@/lib/validation/tokens";

const NAME_MESSAGES = {
  blank: "Enter a name for the token, such as where it will be used.",
  tooLong: "Use at most 60 characters.",
  control: "Remove the line breaks and control characters.",
};

interface CreateTokenFormProps {
  providers: ProviderView[];
  onCreated: (token: CreatedTokenView) => void;
  onCancel: () => void;
}

type Errors = Partial<Record<"name" | "expiresAt" | "budget" | "form", string>>;

const endOfDay = (day: string) => `${day}T23:59:59Z`;

/** The form's fields and errors, and its submission: checked here first, then by the server. */
function useCreateToken(onCreated: (token: CreatedTokenView) => void) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [scope, setScope] = useState<string[]>([]);
  const [budget, setBudget] = useState<BudgetDraft>({ amount: "", mode: "hard" });
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState(false);

  async function submit() {
    const spend = budgetOfDraft(budget);
    const found: Errors = {
      name: nameProblem(name, 60, NAME_MESSAGES) ?? undefined,
      expiresAt:
        expires && Date.parse(endOfDay(expires)) <= Date.now()
          ? "Pick a day from today on, or leave it empty for no expiry."
          : undefined,
      budget: "problem" in spend ? spend.problem : undefined,
    };
    setErrors(found);
    if (found.name || found.expiresAt || found.budget || "problem" in spend) return;
    setSending(true);
    const result = await callApi("createToken", {
      body: {
        name,
        ...(expires ? { expiresAt: endOfDay(expires) } : {}),
        ...(scope.length > 0 ? { providerIds: scope } : {}),
        ...(spend.budget ? { budget: spend.budget } : {}),
      },
    });
    setSending(false);
    if (result.ok) return onCreated(result.data);
    const fields = result.error.fields ?? {};
    setErrors({
      name: fields.name,
      expiresAt: fields.expiresAt,
      budget: fields["budget.monthlyUsd"] ?? fields.budget,
      form: Object.keys(fields).length > 0 ? undefined : result.error.message,
    });
  }

  return { name, setName, expires, setExpires, scope, setScope, budget, setBudget, errors, sending, submit };
}

/** Name, and optionally an expiry date, the providers it may use and a monthly budget; checked here, then by the server. */
export function CreateTokenForm({ providers, onCreated, onCancel }: CreateTokenFormProps) {
  const id = useId();
  const form = useCreateToken(onCreated);
  const { errors, sending } = form;
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);

  return (
    <form
      noValidate
      aria-labelledby={`${id}-title`}
      className="space-y-4 rounded-lg border bg-card p-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!sending) void form.submit();
      }}
      onKeyDown={(event) => event.key === "Escape" && !sending && onCancel()}
    >
      <h3 id={`${id}-title`} className="text-base font-semibold">
        New access token
      </h3>
      <Field
        ref={nameInput}
        id={`${id}-name`}
        label="Name"
        hint="Where it will live, such as “laptop scripts” or “Continue in VS Code”."
        autoComplete="off"
        maxLength={80}
        value={form.name}
        error={errors.name}
        onChange={(event) => form.setName(event.target.value)}
      />
      <ExpiryField id={`${id}-expires`} value={form.expires} error={errors.expiresAt} onChange={form.setExpires} />
      {providers.length > 0 ? <ScopeField providers={providers} scope={form.scope} onChange={form.setScope} /> : null}
      <BudgetFields id={`${id}-budget`} draft={form.budget} onChange={form.setBudget} error={errors.budget} optional />
      {errors.form ? (
        <p role="alert" className="text-sm text-destructive">
          {errors.form}
        </p>
      ) : null}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="outline" waiting={sending} onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" busy={sending}>
          {sending ? "Creating..." : "Create token"}
        </Button>
      </div>
    </form>
  );
}

function ExpiryField({
  id,
  value,
  error,
  onChange,
}: {
  id: string;
  value: string;
  error?: string;
  onChange: (day: string) => void;
}) {
  return (
    <div className="space-y-2">
      <Label htmlFor={id}>Expires on (optional)</Label>
      <Input
        id={id}
        type="date"
        className="w-auto"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          It stops working at the end of that day (UTC). Empty: it never expires.
        </p>
      )}
    </div>
  );
}

function ScopeField({
  providers,
  scope,
  onChange,
}: {
  providers: ProviderView[];
  scope: string[];
  onChange: (update: (ids: string[]) => string[]) => void;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm leading-none font-medium">Providers (optional)</legend>
      <p className="text-xs text-muted-foreground">None ticked: every provider you have a key for, now and later.</p>
      <div className="flex flex-wrap gap-x-4 gap-y-1.5 text-sm">
        {providers.map((provider) => (
          <label key={provider.id} className="flex items-center gap-2">
            <input
              type="checkbox"
              className="accent-primary"
              checked={scope.includes(provider.id)}
              onChange={(event) =>
                onChange((ids) => (event.target.checked ? [...ids, provider.id] : ids.filter((i) => i !== provider.id)))
              }
            />
            {provider.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
