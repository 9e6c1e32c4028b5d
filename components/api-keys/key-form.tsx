"use client";

import { type RefObject, useId, useRef, useState } from "react";
import { Field } from "@/components/auth/field";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { expiryProblem, labelProblem } from "@/lib/validation/key-rules";
import type { ProviderView } from "@/lib/validation/providers";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { DeleteKeyConfirm } from "./delete-key-confirm";
import { KeyInput } from "./key-input";
import { KeyResultNotice } from "./key-result-notice";
import { type FieldErrors, type KeyTarget, useKeyActions } from "./use-key-actions";
import type { KeyChanges } from "./use-key-changes";

/** What the key dialog is for: the provider's first key, another one, or replacing one of them. */
export type KeyDialogMode = { kind: "first" } | { kind: "add" } | { kind: "replace"; key: ListedKeyView };

interface KeyFormProps {
  provider: ProviderView;
  mode: KeyDialogMode;
  taken: string[];
  changes: KeyChanges;
  onClose: () => void;
}

/** The end of the chosen day in the browser's zone, as the API takes it (ISO 8601 with its zone). */
const endOfDay = (day: string) => new Date(`${day}T23:59:59`).toISOString();

/** A new key's label and expiry as typed, with what is wrong with them (the server's rules, and labels taken). */
function readTarget(label: string, day: string, taken: string[]): { target: KeyTarget; found: FieldErrors } {
  const expiresAt = day ? endOfDay(day) : undefined;
  const found: FieldErrors = {
    label:
      labelProblem(label) ??
      (taken.some((t) => t.toLowerCase() === label.trim().toLowerCase())
        ? "Another key of this provider has that label."
        : undefined),
    expiresAt: expiresAt && expiryProblem(expiresAt) ? "Choose a day after today." : undefined,
  };
  return { target: { label: label.trim(), ...(expiresAt ? { expiresAt } : {}) }, found };
}

/**
 * The key dialog's form: a new key's label, the key (show/hide, where to get one, its shape), a new key's expiry,
 * what the provider said, and the buttons: Test, Delete API Key (a stored key), Cancel, Save API Key.
 */
export function KeyForm({ provider, mode, taken, changes, onClose }: KeyFormProps) {
  const labelRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const expiryRef = useRef<HTMLInputElement>(null);
  const form = useKeyForm({ provider, mode, taken, changes, onClose }, { labelRef, keyRef, expiryRef });
  const { actions, ids } = form;
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!actions.busy) void form.save();
      }}
    >
      {mode.kind === "add" ? (
        <Field
          ref={labelRef}
          id={ids.label}
          label="Label"
          error={actions.fieldErrors.label}
          placeholder="e.g. Work"
          maxLength={60}
          autoComplete="off"
        />
      ) : null}
      <KeyInput
        provider={provider}
        stored={form.stored}
        inputRef={keyRef}
        error={actions.fieldErrors.apiKey ?? null}
        onEdit={(value) => {
          form.setHasInput(value.trim() !== "");
          actions.clearMessages();
        }}
      />
      {mode.kind === "add" ? (
        <Field
          ref={expiryRef}
          id={ids.expiry}
          label="Expires (optional)"
          error={actions.fieldErrors.expiresAt}
          type="date"
        />
      ) : null}
      {actions.notice ? (
        <KeyResultNotice
          notice={actions.notice}
          waiting={actions.busy !== null}
          onSaveAnyway={() => void form.save(true)}
        />
      ) : null}
      <KeyFormButtons form={form} providerName={provider.name} onClose={onClose} />
    </form>
  );
}

/** The form's fields, and its requests with what each one sends besides the key. */
type InputRef = RefObject<HTMLInputElement | null>;

function useKeyForm(
  { provider, mode, taken, changes, onClose }: KeyFormProps,
  fields: { labelRef: InputRef; keyRef: InputRef; expiryRef: InputRef },
) {
  const { labelRef, keyRef, expiryRef } = fields;
  const ids = { label: useId(), expiry: useId() };
  const [hasInput, setHasInput] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const stored = mode.kind === "replace" ? mode.key : undefined;
  const several = taken.length > 1;
  const actions = useKeyActions({
    provider,
    apiKey: stored,
    onSaved: changes.saved,
    onDeleted: () => (several ? void changes.reload() : changes.cleared(provider.id)),
    onTested: () => void changes.reload(),
    onClose,
    focusInput: () => keyRef.current?.focus(),
    deleteOne: several,
  });
  const typedKey = () => keyRef.current?.value ?? "";
  const save = (skipValidation = false) => {
    if (mode.kind === "add") {
      const { target, found } = readTarget(labelRef.current?.value ?? "", expiryRef.current?.value ?? "", taken);
      return actions.save(typedKey(), target, { skipValidation, found });
    }
    // One of several keys keeps its label (the server replaces that key); a lone key is the provider's primary.
    return actions.save(typedKey(), stored && several ? { label: stored.label } : {}, { skipValidation });
  };
  return {
    actions,
    ids,
    stored,
    several,
    hasInput,
    setHasInput,
    confirmOpen,
    setConfirmOpen,
    save,
    test: () => actions.test(typedKey()),
  };
}

function KeyFormButtons({
  form,
  providerName,
  onClose,
}: {
  form: ReturnType<typeof useKeyForm>;
  providerName: string;
  onClose: () => void;
}) {
  const { actions, stored, hasInput } = form;
  const { busy, keyOptional } = actions;
  const testLabel = hasInput ? "Test key" : stored ? "Test saved key" : keyOptional ? "Test without a key" : "Test key";
  return (
    <DialogFooter spread>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Button
          variant="secondary"
          disabled={!hasInput && !stored && !keyOptional}
          waiting={busy !== null}
          busy={busy === "test"}
          onClick={() => void form.test()}
        >
          {busy === "test" ? "Testing..." : testLabel}
        </Button>
        {stored ? (
          <DeleteKeyConfirm
            providerName={providerName}
            keyLabel={form.several ? stored.label : undefined}
            open={form.confirmOpen}
            onOpenChange={form.setConfirmOpen}
            waiting={busy !== null}
            deleting={busy === "delete"}
            onConfirm={() => void actions.remove().then(() => form.setConfirmOpen(false))}
          />
        ) : null}
      </div>
      <div className="flex flex-col-reverse gap-2 sm:flex-row">
        <Button variant="outline" onClick={onClose} waiting={busy === "save"}>
          Cancel
        </Button>
        <Button type="submit" disabled={!hasInput && !keyOptional} waiting={busy !== null} busy={busy === "save"}>
          {busy === "save" ? "Saving..." : "Save API Key"}
        </Button>
      </div>
    </DialogFooter>
  );
}
