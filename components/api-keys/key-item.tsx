"use client";

import { ArrowDown, ArrowUp, Pencil } from "lucide-react";
import { lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/lib/utils";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { labelProblem } from "@/lib/validation/label-rules";
import type { ProviderView } from "@/lib/validation/providers";
import { ExpiryBadge, HealthBadge, HealthLine, UsageLine } from "./key-status";

/** One key of a provider's list (key-list.tsx): its badges and lines, move buttons, switch, rename and delete. */

// The confirmation (Radix's alert dialog) loads when a delete is first pointed at or pressed, not with the page:
// the settings page's JavaScript budget (README, Performance) has no room for it.
const loadDeleteConfirm = () => import("@/components/ui/delete-confirm");
const DeleteConfirm = lazy(() => loadDeleteConfirm().then((m) => ({ default: m.DeleteConfirm })));

interface KeyItemProps {
  provider: ProviderView;
  apiKey: ListedKeyView;
  now: number;
  first: boolean;
  last: boolean;
  busy: boolean;
  /** This key was just moved with that button: put the keyboard back on it (or on the other, at an end). */
  focusMove: "up" | "down" | null;
  onMove: (direction: "up" | "down") => void;
  onToggle: (isEnabled: boolean) => void;
  onRename: (label: string) => Promise<boolean>;
  onDelete: () => void;
}

export function KeyItem({ provider, apiKey, now, first, last, busy, focusMove, onMove, onToggle, onRename, onDelete }: KeyItemProps) {
  const [renaming, setRenaming] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [confirmLoaded, setConfirmLoaded] = useState(false);
  const labelId = useId();
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  // After a move the key is in its new place (and the buttons were disabled meanwhile): the keyboard goes back to
  // the same button, or to the other one when the key reached an end.
  useEffect(() => {
    if (!focusMove) return;
    const same = focusMove === "up" ? (first ? down : up) : last ? up : down;
    same.current?.focus();
  }, [focusMove, apiKey.position, first, last]);

  return (
    <li
      aria-labelledby={labelId}
      className={cn("rounded-md border p-2 text-xs", !apiKey.isEnabled && "opacity-70")}
      data-testid={`key-item-${apiKey.label}`}
      data-position={apiKey.position}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex min-w-0 flex-wrap items-center gap-1.5">
          <span id={labelId} className="font-medium break-all">
            {apiKey.label}
          </span>
          {first ? <Badge variant="success">Primary</Badge> : null}
          <HealthBadge health={apiKey.health} />
          <ExpiryBadge expiresAt={apiKey.expiresAt} now={now} />
          {apiKey.needsReentry ? <Badge variant="destructive">Needs re-entry</Badge> : null}
        </span>
        <span className="flex items-center gap-1">
          <Button
            variant="ghost"
            size="icon"
            className="size-7"
            aria-label={`Move ${apiKey.label} up`}
            ref={up}
            disabled={first || busy}
            onClick={() => onMove("up")}
          >
            <ArrowUp aria-hidden />
          </Button>
          <Button
            variant="ghost"
            size="icon"
            className="size-7"
            aria-label={`Move ${apiKey.label} down`}
            ref={down}
            disabled={last || busy}
            onClick={() => onMove("down")}
          >
            <ArrowDown aria-hidden />
          </Button>
        </span>
      </div>
      <p className="flex min-w-0 items-center gap-2 pt-1">
        <span className="sr-only">Saved key:</span>
        <code className="truncate rounded bg-muted px-1.5 py-0.5 font-mono" title={apiKey.apiKey}>
          {apiKey.apiKey === "" ? "no key" : apiKey.apiKey}
        </code>
      </p>
      <p className={cn("pt-1", apiKey.health === "rejected" ? "text-destructive" : "text-muted-foreground")}>
        <HealthLine apiKey={apiKey} now={now} />
      </p>
      <p className="text-muted-foreground">
        <UsageLine apiKey={apiKey} now={now} />
        {apiKey.expiresAt ? ` · expires ${apiKey.expiresAt.slice(0, 10)}` : ""}
      </p>
      {renaming ? (
        <RenameForm
          label={apiKey.label}
          onCancel={() => setRenaming(false)}
          onSave={async (label) => {
            if (await onRename(label)) setRenaming(false);
          }}
        />
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-2 pt-2">
          <label className="flex cursor-pointer items-center gap-2">
            <Switch
              checked={apiKey.isEnabled}
              disabled={busy}
              onCheckedChange={onToggle}
              aria-label={`Use the ${provider.name} key ${apiKey.label}`}
            />
            <span aria-hidden>{apiKey.isEnabled ? "Enabled" : "Disabled"}</span>
          </label>
          <span className="flex gap-1">
            <Button variant="outline" size="sm" disabled={busy} onClick={() => setRenaming(true)} aria-label={`Rename ${apiKey.label}`}>
              <Pencil aria-hidden />
              Rename
            </Button>
            {confirmLoaded ? (
              <Suspense
                fallback={
                  <Button variant="destructive-outline" waiting>
                    {`Delete ${apiKey.label}`}
                  </Button>
                }
              >
                <DeleteConfirm
                  label={`Delete ${apiKey.label}`}
                  title={`Delete the ${provider.name} key “${apiKey.label}”?`}
                  description="Requests will use your other keys for this provider. This cannot be undone."
                  keepLabel="Keep key"
                  open={confirmOpen}
                  onOpenChange={setConfirmOpen}
                  waiting={busy}
                  deleting={false}
                  onConfirm={() => {
                    setConfirmOpen(false);
                    onDelete();
                  }}
                />
              </Suspense>
            ) : (
              <Button
                variant="destructive-outline"
                waiting={busy}
                onPointerEnter={() => void loadDeleteConfirm()}
                onFocus={() => void loadDeleteConfirm()}
                onClick={() => {
                  setConfirmLoaded(true);
                  setConfirmOpen(true);
                }}
              >
                {`Delete ${apiKey.label}`}
              </Button>
            )}
          </span>
        </div>
      )}
    </li>
  );
}

function RenameForm({ label, onCancel, onSave }: { label: string; onCancel: () => void; onSave: (label: string) => Promise<void> }) {
  const [value, setValue] = useState(label);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  return (
    <form
      className="flex flex-wrap items-start gap-2 pt-2"
      onSubmit={(event) => {
        event.preventDefault();
        const problem = labelProblem(value);
        if (problem) return setError(problem);
        void onSave(value.trim());
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        New label
      </label>
      <Input
        id={inputId}
        ref={input}
        value={value}
        maxLength={60}
        className="h-8 w-40 text-xs"
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => {
          setValue(event.target.value);
          setError(null);
        }}
      />
      <Button type="submit" size="sm">
        Save
      </Button>
      <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
        Cancel
      </Button>
      {error ? (
        <p id={errorId} className="w-full text-destructive" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

