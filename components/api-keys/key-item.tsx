"use client";

import { lazy, type ReactNode, Suspense, useId, useRef, useState } from "react";
import { useNearScreen } from "@/lib/client/use-near-screen";
import { cn } from "@/lib/utils";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { KeyActions, type KeyItemActions, loadRenameForm } from "./key-actions";
import { HealthLine, UsageLine } from "./key-status";
import { KeyTitleRow, type KeyPlace, type Moving } from "./key-title-row";
import type { KeyChanges, KeyTestAnswer } from "./use-key-changes";

export type { KeyPlace };

const RenameForm = lazy(() => loadRenameForm().then((m) => ({ default: m.RenameForm })));
const ModelsPanel = lazy(() => import("./models-panel").then((m) => ({ default: m.ModelsPanel })));
// A key's budget bar and its balance at the provider load with the first key that has one (the balance when the
// key comes near the screen), not with the page: the page's JavaScript has a budget (README, Performance).
const loadSpend = () => import("./budget-bar");
const BudgetBar = lazy(() => loadSpend().then((m) => ({ default: m.BudgetBar })));
const KeyBalance = lazy(() => loadSpend().then((m) => ({ default: m.KeyBalance })));

/** The providers that tell what is left on a key (GET /api/user/api-keys/<id>/balance). */
const TELLS_BALANCE = new Set(["openrouter", "deepseek"]);

interface KeyItemProps extends Moving {
  provider: ProviderView;
  apiKey: ListedKeyView;
  place: KeyPlace;
  /** The key a request would go to now. */
  primary: boolean;
  now: number;
  chart: ReactNode;
  changes: KeyChanges;
  onReplace: (opener: HTMLElement) => void;
}

/**
 * One key of a provider: its label and badges (move buttons when there are several), its mask, health, usage and
 * chart, then its own actions (key-actions.tsx), or the rename form in their place; a test's answer and the
 * key's models show under them.
 */
export function KeyItem({
  provider,
  apiKey,
  place,
  primary,
  now,
  chart,
  changes,
  focusMove,
  onMove,
  onReplace,
}: KeyItemProps) {
  const labelId = useId();
  const item = useKeyItem(apiKey, changes);
  const row = useRef<HTMLLIElement>(null);
  const tellsBalance = TELLS_BALANCE.has(provider.registryId) && apiKey.isEnabled;
  const [near, setNear] = useState(false);
  useNearScreen(row, near || !tellsBalance, () => setNear(true));
  return (
    <li
      ref={row}
      aria-labelledby={labelId}
      className={cn("rounded-md border p-3 text-xs", !apiKey.isEnabled && "bg-muted/40")}
      data-testid={`key-item-${apiKey.label}`}
      data-position={apiKey.position}
    >
      <KeyTitleRow
        apiKey={apiKey}
        labelId={labelId}
        place={place}
        primary={primary}
        now={now}
        focusMove={focusMove}
        onMove={onMove}
      />
      <KeyDetails apiKey={apiKey} now={now} chart={chart} balanceOf={tellsBalance && near ? provider.name : null} />
      <KeyControls
        provider={provider}
        apiKey={apiKey}
        only={place.only}
        item={item}
        changes={changes}
        onReplace={onReplace}
      />
      {item.tested ? <TestAnswer answer={item.tested} /> : null}
      {item.showModels ? (
        <div className="pt-2">
          <Suspense fallback={null}>
            <ModelsPanel provider={provider} keyId={apiKey.id} onAnswered={() => void changes.reload()} />
          </Suspense>
        </div>
      ) : null}
    </li>
  );
}

/** The key's actions (key-actions.tsx), or the rename form in their place. */
function KeyControls({
  provider,
  apiKey,
  only,
  item,
  changes,
  onReplace,
}: Pick<KeyItemProps, "provider" | "apiKey" | "changes" | "onReplace"> & {
  only: boolean;
  item: ReturnType<typeof useKeyItem>;
}) {
  if (item.renaming)
    return (
      <Suspense fallback={null}>
        <RenameForm label={apiKey.label} onCancel={item.closeRename} onSave={item.rename} />
      </Suspense>
    );
  return (
    <KeyActions
      provider={provider}
      apiKey={apiKey}
      only={only}
      state={item}
      actions={{
        ...item.actions,
        replace: onReplace,
        remove: () => void changes.remove(provider, apiKey),
        budgetSaved: changes.saved,
        toggle: (on) => void changes.toggle(provider, apiKey, on),
      }}
    />
  );
}

/** A key's own state on the page: renaming, a test running or answered, its models shown. */
function useKeyItem(apiKey: ListedKeyView, changes: KeyChanges) {
  // `renamed`: the form just closed, so the keyboard goes back to the Rename button.
  const [renaming, setRenaming] = useState(false);
  const [renamed, setRenamed] = useState(false);
  const [testing, setTesting] = useState(false);
  const [tested, setTested] = useState<KeyTestAnswer | null>(null);
  const [showModels, setShowModels] = useState(false);
  const actions: Pick<KeyItemActions, "test" | "rename" | "models"> = {
    async test() {
      setTesting(true);
      setTested(null);
      setTested(await changes.test(apiKey));
      setTesting(false);
    },
    rename: () => {
      setRenamed(false);
      setRenaming(true);
    },
    models: () => setShowModels((shown) => !shown),
  };
  const closeRename = () => {
    setRenaming(false);
    setRenamed(true);
  };
  const rename = async (label: string) => {
    closeRename(); // the new label shows at once; the old one comes back if the server refuses
    await changes.rename(apiKey, label);
  };
  return { renaming, renamed, closeRename, testing, tested, showModels, actions, rename };
}

/** The key's mask, what its provider last said, its use over 30 days, its budget, its balance and its chart. */
function KeyDetails({
  apiKey,
  now,
  chart,
  balanceOf,
}: {
  apiKey: ListedKeyView;
  now: number;
  chart: ReactNode;
  balanceOf: string | null;
}) {
  return (
    <div className="space-y-0.5 pt-1">
      {apiKey.apiKey === "" ? (
        <p>Requests go without a key.</p>
      ) : (
        <p className="flex min-w-0 items-center gap-2">
          <span className="sr-only">Saved key:</span>
          <code
            className="truncate rounded bg-muted px-1.5 py-0.5 font-mono"
            title={apiKey.apiKey}
            data-testid="masked-key"
          >
            {apiKey.apiKey}
          </code>
        </p>
      )}
      <p
        className={apiKey.health === "rejected" ? "text-destructive" : "text-muted-foreground"}
        data-testid="health-line"
      >
        <HealthLine apiKey={apiKey} now={now} />
      </p>
      <p className="text-muted-foreground" data-testid="usage-line">
        <UsageLine apiKey={apiKey} now={now} />
        {apiKey.expiresAt ? ` · expires ${apiKey.expiresAt.slice(0, 10)}` : ""}
      </p>
      <Suspense fallback={null}>
        {apiKey.budget ? <BudgetBar budget={apiKey.budget} /> : null}
        {balanceOf ? <KeyBalance keyId={apiKey.id} providerName={balanceOf} /> : null}
      </Suspense>
      {chart ? <div className="pt-1">{chart}</div> : null}
    </div>
  );
}

const TONE = { valid: "text-success", limited: "text-warning", unreachable: "text-warning" } as const;

/** What the provider said to a test of the stored key (or why the test could not be made). */
function TestAnswer({ answer }: { answer: KeyTestAnswer }) {
  const text = answer.ok ? answer.data.message : answer.error.message;
  const tone = answer.ok ? (TONE[answer.data.status as keyof typeof TONE] ?? "text-destructive") : "text-destructive";
  return (
    <p role="status" className={cn("pt-2", tone)} data-testid="key-test-answer">
      {text}
    </p>
  );
}
