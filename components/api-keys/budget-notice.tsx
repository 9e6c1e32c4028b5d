import { Gauge } from "lucide-react";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { budgetLevel, resetDay } from "./budget-bar";
import { cardAnchor } from "./provider-card-header";

/**
 * The notice at the top of the settings page while an enabled key is at or past 80 % of its monthly budget (beside
 * the one for rejected keys): which keys, how far, what a hard budget does, and when the month starts again.
 */
export function BudgetNotice({ providers, keys }: { providers: ProviderView[]; keys: ListedKeyView[] }) {
  const flagged = keys.flatMap((key) => {
    const provider = providers.find((p) => p.id === key.providerId);
    return key.isEnabled && key.budget && provider && budgetLevel(key.budget) !== "ok" ? [{ key, provider, budget: key.budget }] : [];
  });
  if (flagged.length === 0) return null;
  const reached = flagged.some((f) => budgetLevel(f.budget) === "reached");
  const title =
    flagged.length === 1
      ? `Your ${flagged[0]!.provider.name} key “${flagged[0]!.key.label}” ${reached ? "has reached" : "is near"} its monthly budget`
      : `${flagged.length} of your keys are at or past 80 % of their monthly budget`;
  return (
    <div role="status" className="flex items-start gap-3 rounded-lg border border-warning/60 bg-warning/10 p-4 text-sm" data-testid="budget-notice">
      <Gauge className="mt-0.5 size-5 shrink-0 text-warning" aria-hidden />
      <div className="space-y-1">
        <p className="font-semibold">{title}</p>
        <p>
          A hard budget stops using the key once it is reached (your next key serves); a soft one only warns. Budgets start again on{" "}
          {resetDay(flagged[0]!.budget)} (00:00 UTC). Raise or remove a budget with the key&apos;s Budget button.
        </p>
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {flagged.map(({ key, provider, budget }) => (
            <li key={key.id}>
              <a href={`#${cardAnchor(provider)}`} className="font-medium underline underline-offset-4">
                {provider.name} “{key.label}”: {Math.floor((budget.spentMicroUsd * 100) / budget.monthlyMicroUsd)} %
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
