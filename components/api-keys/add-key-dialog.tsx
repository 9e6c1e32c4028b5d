"use client";

import { type RefObject, useId, useRef, useState } from "react";
import { Field } from "@/components/auth/field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { requestJson } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import type { SavedKeyView } from "@/lib/validation/api-keys";
import { apiKeyProblem, expiryProblem, labelProblem } from "@/lib/validation/key-rules";
import type { ProviderView } from "@/lib/validation/providers";

interface AddKeyDialogProps {
  provider: ProviderView;
  /** Labels the provider's keys already have: a new key needs another (the same one would replace that key). */
  taken: string[];
  returnFocusTo: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
  onSaved: () => void;
}

type Errors = Partial<Record<"label" | "apiKey" | "expiresAt" | "form", string>>;

/** The end of the chosen day in the browser's zone, as the API takes it (ISO 8601 with its zone). */
const endOfDay = (day: string) => new Date(`${day}T23:59:59`).toISOString();

/**
 * "Add another key": a label, the key (checked with the provider before it is saved, as in the key dialog) and
 * an optional expiry date. The key lives only in its password input; it goes last in the provider's order.
 */
export function AddKeyDialog({ provider, taken, returnFocusTo, onClose, onSaved }: AddKeyDialogProps) {
  const labelRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const expiryRef = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [offerSkip, setOfferSkip] = useState(false);
  const ids = { label: useId(), key: useId(), expiry: useId() };

  function read(): { body: Record<string, unknown> } | { errors: Errors } {
    const label = labelRef.current?.value ?? "";
    const apiKey = keyRef.current?.value ?? "";
    const day = expiryRef.current?.value ?? "";
    const found: Errors = {};
    found.label = labelProblem(label) ?? (taken.some((t) => t.toLowerCase() === label.trim().toLowerCase()) ? "Another key of this provider has that label." : undefined);
    found.apiKey = apiKeyProblem(apiKey) ?? undefined;
    const expiresAt = day ? endOfDay(day) : undefined;
    if (expiresAt) found.expiresAt = expiryProblem(expiresAt) ? "Choose a day after today." : undefined;
    if (Object.values(found).some(Boolean)) return { errors: found };
    return { body: { providerId: provider.id, label: label.trim(), apiKey: apiKey.trim(), ...(expiresAt ? { expiresAt } : {}) } };
  }

  async function save(skipValidation = false) {
    const form = read();
    if ("errors" in form) return setErrors(form.errors);
    setBusy(true);
    setErrors({});
    setOfferSkip(false);
    const result = await requestJson<SavedKeyView>("POST", "/api/user/api-keys", { ...form.body, ...(skipValidation ? { skipValidation } : {}) });
    setBusy(false);
    if (!result.ok) {
      const { code, message, fields } = result.error;
      if (code === "invalid_api_key") setErrors({ apiKey: message });
      else if (code === "invalid_body") setErrors({ label: fields?.label, expiresAt: fields?.expiresAt, apiKey: fields?.apiKey, form: message });
      else {
        setErrors({ form: message });
        setOfferSkip(code === "provider_unreachable");
      }
      return;
    }
    toast.success(`Added the ${provider.name} key “${result.data.label}”`, {
      description: result.data.validation?.status === "limited" ? result.data.validation.message : undefined,
    });
    onSaved();
    onClose();
  }

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          labelRef.current?.focus();
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo.current?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>Add another {provider.name} key</DialogTitle>
          <DialogDescription>
            It is checked with {provider.name}, encrypted before it is stored, and used after your other keys: when one is rejected,
            limited or unreachable, the next is tried.
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void save();
          }}
        >
          <Field ref={labelRef} id={ids.label} label="Label" error={errors.label} placeholder="e.g. Work" maxLength={60} autoComplete="off" />
          <Field ref={keyRef} id={ids.key} label="API Key" error={errors.apiKey} type="password" autoComplete="off" spellCheck={false} />
          <Field ref={expiryRef} id={ids.expiry} label="Expires (optional)" error={errors.expiresAt} type="date" />
          {errors.form && !errors.label && !errors.apiKey && !errors.expiresAt ? (
            <div role="alert" className="space-y-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
              <p>{errors.form}</p>
              {offerSkip ? (
                <Button type="button" variant="outline" size="sm" onClick={() => void save(true)} waiting={busy}>
                  Save without a check
                </Button>
              ) : null}
            </div>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" waiting={busy} busy={busy}>
              {busy ? "Saving..." : "Add key"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
