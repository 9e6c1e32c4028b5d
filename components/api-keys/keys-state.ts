import type { KeyView, ListedKeyView, UsageTotals } from "@/lib/validation/api-keys";

/**
 * What the settings page knows about the user's keys, and every way it changes: the server's list, a saved or
 * changed row, and the optimistic steps (a switch flipped, a key renamed, moved or deleted) shown before the
 * server answers, undone by putting back the list from before. Plain data and a reducer: tested on their own.
 */
export interface KeysState {
  keys: ListedKeyView[];
  /** Providers whose user chose "Always use my first key" (fallback off). */
  firstOnly: ReadonlySet<string>;
  /** The clock relative times are measured from: the server's at render, the browser's after a change. */
  clock: number;
}

export type KeysEvent =
  | { type: "loaded"; keys: ListedKeyView[]; clock: number }
  /** A list from before an optimistic step, put back because the server refused it. */
  | { type: "restored"; keys: ListedKeyView[] }
  /** A row the server answered (a save, a change): its usage stays with it. */
  | { type: "saved"; key: KeyView; clock: number }
  | { type: "changed"; id: string; changes: Partial<Pick<ListedKeyView, "isEnabled" | "label">> }
  | { type: "moved"; id: string; position: number }
  | { type: "removed"; id: string }
  | { type: "providerCleared"; providerId: string; clock: number }
  | { type: "fallback"; providerId: string; fallback: boolean };

const NO_USAGE: UsageTotals = { requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 };

/** A provider's keys in their order (position 0, tried first, at the top). */
export const keysOf = (keys: readonly ListedKeyView[], providerId: string): ListedKeyView[] =>
  keys.filter((k) => k.providerId === providerId).sort((a, b) => a.position - b.position);

/** The provider's keys with `ordered` as their new order: positions 0, 1, 2… as the server numbers them. */
function renumbered(keys: ListedKeyView[], providerId: string, ordered: ListedKeyView[]): ListedKeyView[] {
  const position = new Map(ordered.map((key, index) => [key.id, index]));
  return keys
    .filter((k) => k.providerId !== providerId || position.has(k.id))
    .map((k) => (position.has(k.id) ? { ...k, position: position.get(k.id)! } : k));
}

function saved(keys: ListedKeyView[], key: KeyView): ListedKeyView[] {
  const before = keys.find((k) => k.id === key.id);
  const row: ListedKeyView = { ...key, usage: before ? before.usage : NO_USAGE };
  if (before) return keys.map((k) => (k.id === key.id ? row : k));
  // A new row takes its place; a key the save replaced at that place (the primary, saved again) goes.
  return [...keys.filter((k) => !(k.providerId === key.providerId && k.position === key.position)), row];
}

function moved(keys: ListedKeyView[], id: string, position: number): ListedKeyView[] {
  const key = keys.find((k) => k.id === id);
  if (!key) return keys;
  const others = keysOf(keys, key.providerId).filter((k) => k.id !== id);
  const at = Math.max(0, Math.min(position, others.length));
  return renumbered(keys, key.providerId, [...others.slice(0, at), key, ...others.slice(at)]);
}

function removed(keys: ListedKeyView[], id: string): ListedKeyView[] {
  const key = keys.find((k) => k.id === id);
  if (!key) return keys;
  return renumbered(
    keys,
    key.providerId,
    keysOf(keys, key.providerId).filter((k) => k.id !== id),
  );
}

function withFallback(firstOnly: ReadonlySet<string>, providerId: string, fallback: boolean): ReadonlySet<string> {
  const next = new Set(firstOnly);
  if (fallback) next.delete(providerId);
  else next.add(providerId);
  return next;
}

export function keysReducer(state: KeysState, event: KeysEvent): KeysState {
  switch (event.type) {
    case "loaded":
      return { ...state, keys: event.keys, clock: event.clock };
    case "restored":
      return { ...state, keys: event.keys };
    case "saved":
      return { ...state, keys: saved(state.keys, event.key), clock: event.clock };
    case "changed":
      return { ...state, keys: state.keys.map((k) => (k.id === event.id ? { ...k, ...event.changes } : k)) };
    case "moved":
      return { ...state, keys: moved(state.keys, event.id, event.position) };
    case "removed":
      return { ...state, keys: removed(state.keys, event.id) };
    case "providerCleared":
      return { ...state, keys: state.keys.filter((k) => k.providerId !== event.providerId), clock: event.clock };
    case "fallback":
      return { ...state, firstOnly: withFallback(state.firstOnly, event.providerId, event.fallback) };
  }
}
