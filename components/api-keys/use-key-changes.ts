"use client";

import { type Dispatch, useReducer } from "react";
import { type ApiResult, callApi } from "@/lib/client/api";
import { announceKeyChange } from "@/lib/client/key-changes";
import { toast } from "@/lib/client/toast";
import type { KeyTestResult, KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { type KeysEvent, type KeysState, keysOf, keysReducer } from "./keys-state";

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

  /** Shows `step` now, then sends it; on a refusal the keys from before come back, with the reason. */
  async function optimistic<T>(
    step: KeysEvent,
    send: () => Promise<ApiResult<T>>,
    failure: string,
  ): Promise<ApiResult<T>> {
    // Handlers are made anew with each render: `state` is the list the user acted on, which a refusal brings back.
    const before = state.keys;
    dispatch(step);
    const result = await send();
    if (result.ok) {
      announceKeyChange();
      return result;
    }
    if (result.error.code === "api_key_not_found")
      void reload(); // gone meanwhile (another tab): show what is left
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
  optimistic: <T>(step: KeysEvent, send: () => Promise<ApiResult<T>>, failure: string) => Promise<ApiResult<T>>;
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
      );
      if (!result.ok) return;
      dispatch({ type: "saved", key: result.data, clock: browserClock() });
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
