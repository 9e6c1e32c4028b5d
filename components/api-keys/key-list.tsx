"use client";

import { type ReactNode, useState } from "react";
import { Switch } from "@/components/ui/switch";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { KeyItem } from "./key-item";
import type { KeyChanges } from "./use-key-changes";

interface KeyListProps {
  provider: ProviderView;
  /** The provider's keys in order (position 0 first). */
  keys: ListedKeyView[];
  /** The key a request would go to now (the first enabled, unexpired one): marked "Primary". */
  serving: ListedKeyView | undefined;
  now: number;
  charts: Record<string, ReactNode>;
  changes: KeyChanges;
  /** Opens the key dialog to replace this key's secret. */
  onReplace: (key: ListedKeyView, opener: HTMLElement) => void;
}

export type MoveFocus = { id: string; direction: "up" | "down" };

/**
 * A provider's keys in the order they are tried, each with its own state and actions (key-item.tsx). A move
 * shows at once; the keyboard stays with the key that moved.
 */
export function KeyList({ provider, keys, serving, now, charts, changes, onReplace }: KeyListProps) {
  const [moved, setMoved] = useState<MoveFocus | null>(null);
  return (
    <ol aria-label={`${provider.name} keys, in the order they are used`} className="space-y-2" data-testid="key-list">
      {keys.map((key, index) => (
        <KeyItem
          key={key.id}
          provider={provider}
          apiKey={key}
          place={{ first: index === 0, last: index === keys.length - 1, only: keys.length === 1 }}
          primary={key.id === serving?.id}
          now={now}
          chart={charts[key.id]}
          changes={changes}
          focusMove={moved?.id === key.id ? moved.direction : null}
          onMove={(direction) => {
            setMoved({ id: key.id, direction });
            void changes.move(key, direction);
          }}
          onReplace={(opener) => onReplace(key, opener)}
        />
      ))}
    </ol>
  );
}

/** "Always use my first key": the provider's setting, shown under its list of keys. */
export function FallbackSwitch({
  fallback,
  onChange,
  describedBy,
}: {
  fallback: boolean;
  onChange: (fallback: boolean) => void;
  describedBy: string;
}) {
  return (
    <div>
      <label className="flex w-fit cursor-pointer items-center gap-2 text-xs">
        <Switch checked={!fallback} onCheckedChange={(first) => onChange(!first)} aria-describedby={describedBy} />
        <span>Always use my first key</span>
      </label>
      <p id={describedBy} className="pt-1 text-xs text-muted-foreground">
        {fallback
          ? "When a key is rejected, limited or unreachable, the next one is tried."
          : "Only the first key is used; the others wait."}
      </p>
    </div>
  );
}
