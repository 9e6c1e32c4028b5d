"use client";

import { type RefObject, useId, useState } from "react";
import { type BudgetDraft, BudgetFields, budgetOfDraft } from "@/components/spend/budget-fields";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { callApi } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

interface BudgetDialogProps {
  provider: ProviderView;
  apiKey: ListedKeyView;
  /** The Budget button, focused again when the dialog closes. */
  returnFocusTo: RefObject<HTMLElement | null>;
  onSaved: (key: KeyView) => void;
  onClose: () => void;
}

const draftOf = (key: ListedKeyView): BudgetDraft =>
  key.budget
    ? { amount: String(key.budget.monthlyMicroUsd / 1_000_000), mode: key.budget.mode }
    : { amount: "", mode: "hard" };

type Sending = "save" | "remove" | null;

/** The dialog's draft, its errors and its requests: save (checked first) or remove the budget. */
function useBudgetChange(apiKey: ListedKeyView, onSaved: (key: KeyView) => void, onClose: () => void) {
  const [draft, setDraft] = useState(() => draftOf(apiKey));
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [sending, setSending] = useState<Sending>(null);

  async function send(budget: { monthlyUsd: number; mode: "hard" | "soft" } | null) {
    setSending(budget ? "save" : "remove");
    const result = await callApi("updateApiKey", { path: { id: apiKey.id }, body: { budget } });
    setSending(null);
    if (!result.ok) {
      const field = result.error.fields?.["budget.monthlyUsd"];
      return setError(field ? { field } : { form: result.error.message });
    }
    onSaved(result.data);
    toast.success(
      budget
        ? `Budget of $${budget.monthlyUsd} a month set on “${apiKey.label}”`
        : `Budget removed from “${apiKey.label}”`,
    );
    onClose();
  }

  function save() {
    const parsed = budgetOfDraft(draft);
    if ("problem" in parsed) return setError({ field: parsed.problem });
    if (parsed.budget === null)
      return setError({ field: "Enter the monthly budget in dollars, or remove the budget." });
    setError({});
    void send(parsed.budget);
  }

  return { draft, setDraft, error, sending, save, remove: () => void send(null) };
}

/** "Budget…" of a key (loaded on demand): a monthly amount in dollars, hard or soft; or the budget removed. */
export function BudgetDialog({ provider, apiKey, returnFocusTo, onSaved, onClose }: BudgetDialogProps) {
  const id = useId();
  const { draft, setDraft, error, sending, save, remove } = useBudgetChange(apiKey, onSaved, onClose);

  return (
    <Dialog open onOpenChange={(open) => !open && !sending && onClose()}>
      <DialogContent
        onCloseAutoFocus={(event) => {
          if (!returnFocusTo.current?.isConnected) return;
          event.preventDefault();
          returnFocusTo.current.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>Budget for “{apiKey.label}”</DialogTitle>
          <DialogDescription>
            What your {provider.name} key may spend a calendar month (UTC), counted from the prices of its answers.
            Answers without a price are not counted.
          </DialogDescription>
        </DialogHeader>
        <form
          noValidate
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!sending) save();
          }}
        >
          <BudgetFields id={id} draft={draft} onChange={setDraft} error={error.field} />
          {error.form ? (
            <p role="alert" className="text-sm text-destructive">
              {error.form}
            </p>
          ) : null}
          <BudgetFooter hasBudget={apiKey.budget !== null} sending={sending} onRemove={remove} onCancel={onClose} />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function BudgetFooter({
  hasBudget,
  sending,
  onRemove,
  onCancel,
}: {
  hasBudget: boolean;
  sending: Sending;
  onRemove: () => void;
  onCancel: () => void;
}) {
  return (
    <DialogFooter spread={hasBudget}>
      {hasBudget ? (
        <Button
          variant="destructive-outline"
          waiting={sending === "save"}
          busy={sending === "remove"}
          onClick={onRemove}
        >
          {sending === "remove" ? "Removing..." : "Remove budget"}
        </Button>
      ) : null}
      <span className="flex flex-col-reverse gap-2 sm:flex-row">
        <Button variant="outline" waiting={sending !== null} onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" waiting={sending === "remove"} busy={sending === "save"}>
          {sending === "save" ? "Saving..." : "Save budget"}
        </Button>
      </span>
    </DialogFooter>
  );
}
