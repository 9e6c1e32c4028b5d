"use client";

import { type Dispatch, useReducer, useState } from "react";
import { type ApiResult, callApi } from "@/lib/client/api";
import { announceKeyChange } from "@/lib/client/key-changes";
import { toast } from "@/lib/client/toast";
import type { KeyTestResult, KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { type KeysEvent, type KeysState, keysOf, keysReducer } from "./keys-state";

/**
 * Edits reach the server one after another, in the order the user made them: two quick clicks on a switch sent side
 * by side could be applied in the other order (the key ending disabled while the switch shows it enabled). Each
 * answer says whether a newer edit was made meanwhile (then only the newest one's answer is shown).
 */
class EditQueue {
  private last: Promise<unknown> = Promise.resolve();
  private count = 0;

  send<T>(request: () => Promise<T>): Promise<{ result: T; newest: boolean }> {
    const ticket = ++this.count;
    const sent = this.last.then(request);
    this.last = sent.catch(() => undefined);
    return sent.then((result) => ({ result, newest: ticket === this.count }));
  }
}

/** The browser's clock, read in event handlers only (never during render: see KeysState.clock). */
const browserClock = () => Date.now();

export type KeyTestAnswer = ApiResult<KeyTestResult>;

/**
 * The settings page's keys and every change to them. A change the user makes to one key (enable, rename, move,
 * delete) shows at once and goes to the server by the key's id; a refusal puts the list back as it was and says
 * why. Saves, tests and model lists come back from the provider, so after them the keys are read again (their
 * health may have changed). Every accepted change tells the activity panel.
 */
export function useKeyChanges(initialKeys: ListedKeyView[], firstKeyOnly: string[], now: number) {
  const [state, dispatch] = useReducer(keysReducer, undefined, (): KeysState => ({
    keys: initialKeys,
    firstOnly: new Set(firstKeyOnly),
    clock: now,
  }));

  async function reload() {
    const result = await callApi("listApiKeys");
    if (result.ok) dispatch({ type: "loaded", keys: result.data, clock: browserClock() });
    announceKeyChange();
  }

  const [edits] = useState(() => new EditQueue());

  /**
   * Shows `step` now, then sends it (after the edits before it); on a refusal the keys from before come back, with
   * the reason. `confirm` shows the server's answer, unless a newer edit is on its way.
   */
  async function optimistic<T>(
    step: KeysEvent,
    send: () => Promise<ApiResult<T>>,
    failure: string,
    confirm?: (data: T) => void,
  ): Promise<ApiResult<T>> {
    // Handlers are made anew with each render: `state` is the list the user acted on, which a refusal brings back.
    const before = state.keys;
    const sent = edits.send(send);
    dispatch(step);
    const { result, newest } = await sent;
    if (result.ok) {
      if (newest) confirm?.(result.data);
      announceKeyChange();
      return result;
    }
    // Gone meanwhile (another tab), or newer edits were shown on top of this one: the server's list is the truth.
    if (result.error.code === "api_key_not_found" || !newest) void reload();
    else dispatch({ type: "restored", keys: before });
    toast.error(failure, { description: result.error.message });
    return result;
  }

  return {
    state,
    reload,
    /** The key dialog saved a key (the server's row). */
    saved: (key: KeyView) => {
      dispatch({ type: "saved", key, clock: browserClock() });
      announceKeyChange();
    },
    /** Every key of the provider is gone (deleted by provider, or its endpoint moved or deleted). */
    cleared: (providerId: string) => {
      dispatch({ type: "providerCleared", providerId, clock: browserClock() });
      announceKeyChange();
    },
    ...keyEdits({ dispatch, optimistic, reload, keys: state.keys }),
    setFallback: (provider: ProviderView, fallback: boolean) => changeFallback(dispatch, provider, fallback),
  };
}

interface EditTools {
  dispatch: Dispatch<KeysEvent>;
  optimistic: <T>(
    step: KeysEvent,
    send: () => Promise<ApiResult<T>>,
    failure: string,
    confirm?: (data: T) => void,
  ) => Promise<ApiResult<T>>;
  reload: () => Promise<void>;
  /** The keys as rendered. */
  keys: ListedKeyView[];
}

/** One key's changes by its id: each shown at once, and confirmed (or put back) when the server answers. */
function keyEdits({ dispatch, optimistic, reload, keys }: EditTools) {
  const single = (provider: ProviderView) => keysOf(keys, provider.id).length === 1;
  return {
    async toggle(provider: ProviderView, key: ListedKeyView, isEnabled: boolean) {
      const verb = isEnabled ? "enable" : "disable";
      const name = single(provider) ? `the ${provider.name} key` : `the key “${key.label}”`;
      const result = await optimistic(
        { type: "changed", id: key.id, changes: { isEnabled } },
        () => callApi("updateApiKey", { path: { id: key.id }, body: { isEnabled } }),
        `Couldn't ${verb} ${name}`,
        (saved) => dispatch({ type: "saved", key: saved, clock: browserClock() }),
      );
      if (!result.ok) return;
      toast.success(
        single(provider) ? `${provider.name} API key ${verb}d` : `${isEnabled ? "Enabled" : "Disabled"} “${key.label}”`,
      );
    },
    async rename(key: ListedKeyView, label: string): Promise<boolean> {
      const result = await optimistic(
        { type: "changed", id: key.id, changes: { label } },
        () => callApi("updateApiKey", { path: { id: key.id }, body: { label } }),
        `Couldn't rename the key “${key.label}”`,
      );
      if (result.ok) toast.success(`Renamed to “${label}”`);
      return result.ok;
    },
    async move(key: ListedKeyView, direction: "up" | "down") {
      const position = key.position + (direction === "up" ? -1 : 1);
      const result = await optimistic(
        { type: "moved", id: key.id, position },
        () => callApi("updateApiKey", { path: { id: key.id }, body: { position } }),
        `Couldn't move the key “${key.label}”`,
      );
      if (result.ok)
        toast.success(position === 0 ? `“${key.label}” is now the first key` : `Moved “${key.label}” ${direction}`);
    },
    async remove(provider: ProviderView, key: ListedKeyView) {
      const result = await optimistic(
        { type: "removed", id: key.id },
        () => callApi("deleteApiKeyById", { path: { id: key.id } }),
        `Couldn't delete the key “${key.label}”`,
      );
      if (result.ok) toast.success(`Deleted the ${provider.name} key “${key.label}”`);
    },
    /** Asks the provider about the stored key; its health is recorded, so the keys are read again. */
    async test(key: ListedKeyView): Promise<KeyTestAnswer> {
      const result = await callApi("testApiKey", { body: { id: key.id } });
      if (result.ok) await reload();
      return result;
    },
  };
}

/** "Always use my first key": shown at once, flipped back with the reason when refused. */
async function changeFallback(dispatch: Dispatch<KeysEvent>, provider: ProviderView, fallback: boolean) {
  const step: KeysEvent = { type: "fallback", providerId: provider.id, fallback };
  dispatch(step);
  const result = await callApi("setProviderSettings", { path: { id: provider.id }, body: { fallback } });
  if (result.ok) {
    toast.success(
      fallback ? `${provider.name}: the next key is tried when one fails` : `${provider.name}: always the first key`,
    );
    announceKeyChange();
  } else {
    dispatch({ ...step, fallback: !fallback });
    toast.error(`Couldn't change the ${provider.name} setting`, { description: result.error.message });
  }
}

export type KeyChanges = ReturnType<typeof useKeyChanges>;
