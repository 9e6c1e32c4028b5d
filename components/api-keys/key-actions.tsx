"use client";

import { FlaskConical, Gauge, Key, List, Pencil, Trash2 } from "lucide-react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";
import { canUse } from "@/lib/domain/key-use";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

// The confirmation (Radix's alert dialog) loads when a delete is first pointed at or pressed, not with the page:
// the settings page's JavaScript budget (README, Performance) has no room for it.
const loadDeleteConfirm = () => import("@/components/ui/delete-confirm");
const DeleteConfirm = lazy(() => loadDeleteConfirm().then((m) => ({ default: m.DeleteConfirm })));
// The same for the rename form (shown in place of these actions) and the budget's dialog.
export const loadRenameForm = () => import("./rename-form");
const loadBudgetDialog = () => import("./budget-dialog");
const BudgetDialog = lazy(() => loadBudgetDialog().then((m) => ({ default: m.BudgetDialog })));

/** What a key's buttons do; the card and the page's key changes (use-key-changes.ts) carry them out. */
export interface KeyItemActions {
  toggle: (isEnabled: boolean) => void;
  test: () => Promise<void>;
  models: () => void;
  replace: (opener: HTMLElement) => void;
  rename: () => void;
  remove: () => void;
  /** The server's answer to a budget set or removed. */
  budgetSaved: (key: KeyView) => void;
}

interface KeyActionsProps {
  provider: ProviderView;
  apiKey: ListedKeyView;
  /** The provider's only key: its switch and its replace button keep the words a card with one key always had. */
  only: boolean;
  /** `renamed`: the rename form just closed, and the keyboard goes back to Rename. */
  state: { testing: boolean; showModels: boolean; renamed: boolean };
  actions: KeyItemActions;
}

const small = "h-8 px-2.5 text-xs";

/**
 * A key's own actions, in one row that wraps on a narrow screen: its switch, then Test, Models (when the provider
 * has several keys; with one, the card's "Show models" is the same list), Replace ("Update API Key" for a lone
 * key), Rename, Budget… and Delete.
 */
export function KeyActions({ provider, apiKey, only, state, actions }: KeyActionsProps) {
  const { label } = apiKey;
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 pt-2">
      <KeySwitch provider={provider} apiKey={apiKey} only={only} onToggle={actions.toggle} />
      <span className="flex flex-wrap gap-1.5">
        <TestButton label={label} testing={state.testing} onTest={actions.test} />
        {!only && canUse(apiKey) ? (
          <Button
            variant="outline"
            size="sm"
            className={small}
            aria-label={`Models of ${label}`}
            aria-expanded={state.showModels}
            onClick={actions.models}
          >
            <List aria-hidden />
            Models
          </Button>
        ) : null}
        <Button
          variant={apiKey.isEnabled && apiKey.health === "rejected" ? "destructive" : "outline"}
          size="sm"
          className={small}
          aria-haspopup="dialog"
          aria-label={only ? undefined : `Replace ${label}`}
          onClick={(event) => actions.replace(event.currentTarget)}
        >
          <Key aria-hidden />
          {only ? "Update API Key" : "Replace"}
        </Button>
        <RenameButton label={label} renamed={state.renamed} onRename={actions.rename} />
        <BudgetButton provider={provider} apiKey={apiKey} onSaved={actions.budgetSaved} />
        <DeleteKeyButton provider={provider} label={label} only={only} onDelete={actions.remove} />
      </span>
    </div>
  );
}

function TestButton({ label, testing, onTest }: { label: string; testing: boolean; onTest: () => Promise<void> }) {
  return (
    <Button
      variant="outline"
      size="sm"
      className={small}
      aria-label={`Test ${label}`}
      busy={testing}
      onClick={() => void onTest()}
    >
      {testing ? null : <FlaskConical aria-hidden />}
      {testing ? "Testing..." : "Test"}
    </Button>
  );
}

/** "Rename": the keyboard comes back to it when the rename form closes (`renamed`). */
function RenameButton({ label, renamed, onRename }: { label: string; renamed: boolean; onRename: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (renamed) button.current?.focus();
  }, [renamed]);
  return (
    <Button
      ref={button}
      variant="outline"
      size="sm"
      className={small}
      aria-label={`Rename ${label}`}
      onPointerEnter={() => void loadRenameForm()}
      onFocus={() => void loadRenameForm()}
      onClick={onRename}
    >
      <Pencil aria-hidden />
      Rename
    </Button>
  );
}

function KeySwitch({
  provider,
  apiKey,
  only,
  onToggle,
}: {
  provider: ProviderView;
  apiKey: ListedKeyView;
  only: boolean;
  onToggle: (on: boolean) => void;
}) {
  const name = only
    ? provider.registryId === "custom"
      ? `Use ${provider.name}`
      : `Use the ${provider.name} API key`
    : `Use the ${provider.name} key ${apiKey.label}`;
  return (
    <label className="flex cursor-pointer items-center gap-2">
      <Switch checked={apiKey.isEnabled} onCheckedChange={onToggle} aria-label={name} />
      <span aria-hidden>{apiKey.isEnabled ? "Enabled" : "Disabled"}</span>
    </label>
  );
}

/** "Budget…": the key's monthly budget, in a dialog that loads on demand. */
function BudgetButton({
  provider,
  apiKey,
  onSaved,
}: {
  provider: ProviderView;
  apiKey: ListedKeyView;
  onSaved: (key: KeyView) => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <Button
        ref={button}
        variant="outline"
        size="sm"
        className={small}
        aria-haspopup="dialog"
        aria-label={`Budget of ${apiKey.label}`}
        onPointerEnter={() => void loadBudgetDialog()}
        onFocus={() => void loadBudgetDialog()}
        onClick={() => setOpen(true)}
      >
        <Gauge aria-hidden />
        Budget…
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <BudgetDialog
            provider={provider}
            apiKey={apiKey}
            returnFocusTo={button}
            onSaved={onSaved}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      ) : null}
    </>
  );
}

/** "Delete", asked twice: the confirmation loads on demand and names the key. */
function DeleteKeyButton({
  provider,
  label,
  only,
  onDelete,
}: {
  provider: ProviderView;
  label: string;
  only: boolean;
  onDelete: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const trigger = (
    <Button
      variant="destructive-outline"
      size="sm"
      className={small}
      aria-label={`Delete ${label}`}
      onPointerEnter={() => void loadDeleteConfirm()}
      onFocus={() => void loadDeleteConfirm()}
      onClick={() => {
        setLoaded(true);
        setOpen(true);
      }}
    >
      <Trash2 aria-hidden />
      Delete
    </Button>
  );
  if (!loaded) return trigger;
  return (
    <Suspense fallback={trigger}>
      <DeleteConfirm
        label={`Delete ${label}`}
        trigger={trigger}
        title={`Delete the ${provider.name} key “${label}”?`}
        description={
          only
            ? `Requests to ${provider.name} will stop working until you add a key again. This cannot be undone.`
            : "Requests will use your other keys for this provider. This cannot be undone."
        }
        keepLabel="Keep key"
        open={open}
        onOpenChange={setOpen}
        waiting={false}
        deleting={false}
        onConfirm={() => {
          setOpen(false);
          onDelete();
        }}
      />
    </Suspense>
  );
}
