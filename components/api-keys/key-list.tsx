"use client";

import { useState } from "react";
import { Switch } from "@/components/ui/switch";
import { requestJson } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { KeyItem } from "./key-item";

interface KeyListProps {
  provider: ProviderView;
  /** The provider's keys in order (position 0, the primary, first). */
  keys: ListedKeyView[];
  now: number;
  /** A key changed on the server: the section reads the keys again (positions may all have moved). */
  onChanged: () => void;
}

/**
 * A provider's keys, when it has more than one: each with its label, mask, health, usage and expiry; the primary
 * marked; move up / move down buttons (keyboard reachable; focus follows the key moved), enable/disable, rename in
 * place and delete. Every change goes to the server by the key's id; the section then reads the keys again.
 */
export function KeyList({ provider, keys, now, onChanged }: KeyListProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [focusAfterMove, setFocusAfterMove] = useState<{ id: string; direction: "up" | "down" } | null>(null);

  async function change(key: ListedKeyView, body: Record<string, unknown>, done: string): Promise<boolean> {
    setBusy(key.id);
    const result = await requestJson<KeyView>("PATCH", `/api/user/api-keys/${key.id}`, body);
    setBusy(null);
    if (!result.ok) {
      toast.error(`Couldn't change the key “${key.label}”`, { description: result.error.message });
      return false;
    }
    toast.success(done);
    onChanged();
    return true;
  }

  async function move(key: ListedKeyView, direction: "up" | "down") {
    const position = key.position + (direction === "up" ? -1 : 1);
    setFocusAfterMove({ id: key.id, direction });
    await change(key, { position }, position === 0 ? `“${key.label}” is now the first key` : `Moved “${key.label}” ${direction}`);
  }

  async function remove(key: ListedKeyView) {
    setBusy(key.id);
    const result = await requestJson("DELETE", `/api/user/api-keys/${key.id}`);
    setBusy(null);
    if (!result.ok && result.error.code !== "api_key_not_found") {
      toast.error(`Couldn't delete the key “${key.label}”`, { description: result.error.message });
      return;
    }
    toast.success(`Deleted the ${provider.name} key “${key.label}”`);
    onChanged();
  }

  return (
    <ol aria-label={`${provider.name} keys, in the order they are used`} className="space-y-2 pt-1" data-testid="key-list">
      {keys.map((key, index) => (
        <KeyItem
          key={key.id}
          provider={provider}
          apiKey={key}
          now={now}
          first={index === 0}
          last={index === keys.length - 1}
          busy={busy !== null}
          focusMove={focusAfterMove?.id === key.id ? focusAfterMove.direction : null}
          onMove={(direction) => void move(key, direction)}
          onToggle={(isEnabled) => void change(key, { isEnabled }, `${isEnabled ? "Enabled" : "Disabled"} “${key.label}”`)}
          onRename={(label) => change(key, { label }, `Renamed to “${label}”`)}
          onDelete={() => void remove(key)}
        />
      ))}
    </ol>
  );
}

/** "Always use my first key": the provider's setting, shown under its list of keys. */
export function FallbackSwitch({ fallback, onChange, describedBy }: { fallback: boolean; onChange: (fallback: boolean) => void; describedBy: string }) {
  return (
    <>
      <label className="flex cursor-pointer items-center gap-2 pt-1 text-xs">
        <Switch checked={!fallback} onCheckedChange={(first) => onChange(!first)} aria-describedby={describedBy} />
        <span>Always use my first key</span>
      </label>
      <p id={describedBy} className="text-xs text-muted-foreground">
        {fallback ? "When a key is rejected, limited or unreachable, the next one is tried." : "Only the first key is used; the others wait."}
      </p>
    </>
  );
}
