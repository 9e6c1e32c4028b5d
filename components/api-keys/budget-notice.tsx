import { AlertTriangle } from "lucide-react";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { budgetLevel, resetDay } from "./budget-bar";
import { KeysNotice } from "./keys-notice";
import { cardAnchor } from "./provider-card-header";

/**
 * The notice at the top of the settings page while an enabled key is at or past 80 % of its monthly budget (beside
 * the one for rejected keys): which keys, how far, what a hard budget does, and when the month starts again.
 */
export function BudgetNotice({ providers, keys }: { providers: ProviderView[]; keys: ListedKeyView[] }) {
  const flagged = keys.flatMap((key) => {
    const provider = providers.find((p) => p.id === key.providerId);
    return key.isEnabled && key.budget && provider && budgetLevel(key.budget) !== "ok"
      ? [{ key, provider, budget: key.budget }]
      : [];
  });
  const first = flagged[0];
  if (!first) return null;
  const reached = flagged.some((f) => budgetLevel(f.budget) === "reached");
  const title =
    flagged.length === 1
      ? `Your ${first.provider.name} key “${first.key.label}” ${reached ? "has reached" : "is near"} its monthly budget`
      : `${flagged.length} of your keys are at or past 80 % of their monthly budget`;
  const links = flagged.map(({ key, provider, budget }) => ({
    key: key.id,
    href: `#${cardAnchor(provider)}`,
    text: `${provider.name} “${key.label}”: ${Math.floor((budget.spentMicroUsd * 100) / budget.monthlyMicroUsd)} %`,
  }));
  return (
    <KeysNotice tone="warning" icon={AlertTriangle} title={title} testId="budget-notice" links={links}>
      A hard budget stops using the key once it is reached (your next key serves); a soft one only warns. Budgets start
      again on {resetDay(first.budget)} (00:00 UTC). Raise or remove a budget with the key&apos;s Budget button.
    </KeysNotice>
  );
}
