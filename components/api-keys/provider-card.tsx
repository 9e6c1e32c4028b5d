"use client";

import { Key, Plus } from "lucide-react";
import { lazy, type ReactNode, Suspense, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter } from "@/components/ui/card";
import { keyInTurn, servingKey } from "@/lib/domain/key-use";
import { MAX_KEYS_PER_PROVIDER } from "@/lib/domain/key-facts";
import { cn } from "@/lib/utils";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import type { KeyDialogMode } from "./key-dialog";
import { FallbackSwitch, KeyList } from "./key-list";
import { cardAnchor, ProviderCardHeader } from "./provider-card-header";
import { ProviderLinks } from "./provider-links";
import type { KeyChanges } from "./use-key-changes";

// The dialog (Radix Dialog, AlertDialog, the form) loads when first wanted, and starts loading on hover/focus.
const loadKeyDialog = () => import("./key-dialog");
const KeyDialog = lazy(() => loadKeyDialog().then((m) => ({ default: m.KeyDialog })));
const preload = { onPointerEnter: () => void loadKeyDialog(), onFocus: () => void loadKeyDialog() };

interface ProviderCardProps {
  provider: ProviderView;
  /** The provider's keys in order (position 0, tried first, at the top). */
  keys: ListedKeyView[];
  /** Whether a failing key falls through to the next ("Always use my first key" is its opposite). */
  fallback: boolean;
  /** Each key's 30-day chart by key id, drawn on the server (usage-chart.tsx); absent for a key without usage. */
  charts: Record<string, ReactNode>;
  now: number;
  changes: KeyChanges;
  /** Opens the key dialog as the card appears (a custom endpoint just added). */
  startOpen?: boolean;
  /** More buttons for the footer (a custom endpoint's Edit). */
  actions?: ReactNode;
}

const BORDER: Partial<Record<KeyView["health"], string>> = {
  rejected: "border-destructive/60",
  limited: "border-warning/60",
};

/**
 * One provider, built around its list of keys: each key with its own state and actions (key-item.tsx); the
 * provider's own things on the card: the fallback setting, the models and the playground while some key works,
 * "Add another key" (or "Add API Key" before the first). The card's health, border and "Primary" are those of the
 * key a request would go to now: the first enabled, unexpired one.
 */
export function ProviderCard({
  provider,
  keys,
  fallback,
  charts,
  now,
  changes,
  startOpen = false,
  actions,
}: ProviderCardProps) {
  const dialog = useKeyDialog(startOpen ? { kind: "first" } : null);
  const serving = servingKey(keys, now);
  const shown = serving ?? keyInTurn(keys, now); // none can serve: the first in turn says why
  const anchor = cardAnchor(provider);
  const flagged = shown ? BORDER[shown.health] : undefined;
  return (
    <Card
      aria-labelledby={`${anchor}-title`}
      role="group"
      id={anchor}
      data-testid={
        provider.registryId === "custom" ? `endpoint-card-${provider.id}` : `provider-card-${provider.registryId}`
      }
      data-health={shown?.health}
      data-provider-id={provider.id}
      className={cn("scroll-mt-6", flagged)}
    >
      <ProviderCardHeader provider={provider} keys={keys} serving={serving} now={now} />
      <ProviderCardContent
        {...{ provider, keys, serving, fallback, charts, now, changes }}
        fallbackNote={`${anchor}-fallback`}
        onReplace={(key, opener) => dialog.open({ kind: "replace", key }, opener)}
      />
      <CardFooter className="flex-wrap justify-end gap-2">
        {actions}
        <AddKeyButton
          count={keys.length}
          opening={dialog.mode !== null && dialog.mode.kind !== "replace"}
          onOpen={(opener) => dialog.open({ kind: keys.length === 0 ? "first" : "add" }, opener)}
        />
      </CardFooter>
      {dialog.mode ? (
        <Suspense fallback={null}>
          <KeyDialog
            provider={provider}
            mode={dialog.mode}
            taken={keys.map((k) => k.label)}
            returnFocusTo={dialog.opener}
            changes={changes}
            onClose={dialog.close}
          />
        </Suspense>
      ) : null}
    </Card>
  );
}

/** The card's keys (or the note that there is none), the fallback switch with several, and the provider's links. */
function ProviderCardContent({
  provider,
  keys,
  serving,
  fallback,
  charts,
  now,
  changes,
  fallbackNote,
  onReplace,
}: Omit<ProviderCardProps, "startOpen" | "actions"> & {
  serving: ListedKeyView | undefined;
  fallbackNote: string;
  onReplace: (key: ListedKeyView, opener: HTMLElement) => void;
}) {
  return (
    <CardContent className="space-y-3 text-sm">
      {keys.length === 0 ? (
        <NoKeyNote provider={provider} />
      ) : (
        <KeyList
          provider={provider}
          keys={keys}
          serving={serving}
          now={now}
          charts={charts}
          changes={changes}
          onReplace={onReplace}
        />
      )}
      {keys.length > 1 ? (
        <FallbackSwitch
          fallback={fallback}
          onChange={(on) => void changes.setFallback(provider, on)}
          describedBy={fallbackNote}
        />
      ) : null}
      <ProviderLinks provider={provider} keys={keys} now={now} onChecked={() => void changes.reload()} />
    </CardContent>
  );
}

/** Which key dialog is open, and the button it came from (the keyboard goes back there). */
function useKeyDialog(initial: KeyDialogMode | null) {
  const [mode, setMode] = useState(initial);
  const opener = useRef<HTMLElement | null>(null);
  return {
    mode,
    opener,
    open(next: KeyDialogMode, from: HTMLElement) {
      opener.current = from;
      setMode(next);
    },
    close: () => setMode(null),
  };
}

function NoKeyNote({ provider }: { provider: ProviderView }) {
  return (
    <p className="min-h-10 text-xs text-muted-foreground">
      {provider.registryId === "custom"
        ? "Save its key, or save it without one if it needs none, to use it."
        : `No key saved. Requests to ${provider.name} need your own key.`}
    </p>
  );
}

/** "Add API Key" before the first key, "Add another key" after it, nothing at the most a provider may have. */
function AddKeyButton({
  count,
  opening,
  onOpen,
}: {
  count: number;
  opening: boolean;
  onOpen: (opener: HTMLElement) => void;
}) {
  if (count >= MAX_KEYS_PER_PROVIDER) return null;
  const first = count === 0;
  return (
    <Button
      variant="outline"
      size="sm"
      aria-haspopup="dialog"
      aria-expanded={opening}
      {...preload}
      onClick={(event) => onOpen(event.currentTarget)}
    >
      {first ? <Key aria-hidden /> : <Plus aria-hidden />}
      {first ? "Add API Key" : "Add another key"}
    </Button>
  );
}
