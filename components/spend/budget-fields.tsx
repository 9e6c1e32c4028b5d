import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export interface BudgetDraft {
  /** Dollars as typed; "" for no budget. */
  amount: string;
  mode: "hard" | "soft";
}

/** The draft as the API takes it (`{ monthlyUsd, mode }`, null without one), or the sentence that says what to fix. */
export function budgetOfDraft(
  draft: BudgetDraft,
): { budget: { monthlyUsd: number; mode: "hard" | "soft" } | null } | { problem: string } {
  const text = draft.amount.trim().replace(/^\$/, "");
  if (text === "") return { budget: null };
  const monthlyUsd = Number(text);
  if (!/^\d+(\.\d{1,6})?$/.test(text) || !Number.isFinite(monthlyUsd))
    return { problem: "Enter the budget in dollars, such as 20 or 7.50." };
  if (monthlyUsd < 0.01 || monthlyUsd > 1_000_000) return { problem: "Enter a budget between $0.01 and $1,000,000." };
  return { budget: { monthlyUsd, mode: draft.mode } };
}

interface BudgetFieldsProps {
  id: string;
  draft: BudgetDraft;
  onChange: (draft: BudgetDraft) => void;
  error?: string;
  /** The amount is optional (a token's); a key's Budget dialog requires it. */
  optional?: boolean;
}

/** A monthly budget in dollars, and whether reaching it stops requests (hard) or only warns (soft). */
export function BudgetFields({ id, draft, onChange, error, optional = false }: BudgetFieldsProps) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="space-y-2">
        <Label htmlFor={`${id}-amount`}>Monthly budget in USD{optional ? " (optional)" : ""}</Label>
        <Input
          id={`${id}-amount`}
          inputMode="decimal"
          autoComplete="off"
          placeholder="20.00"
          value={draft.amount}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-amount-error` : `${id}-amount-hint`}
          onChange={(event) => onChange({ ...draft, amount: event.target.value })}
        />
        {error ? (
          <p id={`${id}-amount-error`} className="text-sm text-destructive">
            {error}
          </p>
        ) : (
          <p id={`${id}-amount-hint`} className="text-xs text-muted-foreground">
            A calendar month in UTC: it starts again at 00:00 UTC on the 1st.
          </p>
        )}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm leading-none font-medium">When it is reached</legend>
        <div className="space-y-1.5 pt-1 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name={`${id}-mode`}
              value="hard"
              checked={draft.mode === "hard"}
              onChange={() => onChange({ ...draft, mode: "hard" })}
              className="accent-primary"
            />
            Stop requests (hard)
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name={`${id}-mode`}
              value="soft"
              checked={draft.mode === "soft"}
              onChange={() => onChange({ ...draft, mode: "soft" })}
              className="accent-primary"
            />
            Only warn me (soft)
          </label>
        </div>
      </fieldset>
    </div>
  );
}
