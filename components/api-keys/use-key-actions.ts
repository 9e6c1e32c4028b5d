"use client";

import { useState } from "react";
import { type ApiFailure, requestJson } from "@/lib/client/api";
import { toast } from "@/lib/client/toast";
import type { KeyTestResult, KeyView, SavedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { apiKeyProblem } from "@/lib/validation/key-rules";

export type KeyAction = "save" | "test" | "delete";

export interface KeyNotice {
  tone: "success" | "warning" | "error";
  text: string;
  /** The provider could not be reached: offer to save without the check. */
  saveAnyway?: boolean;
}

interface Options {
  provider: ProviderView;
  apiKey: KeyView | undefined;
  onSaved: (key: KeyView) => void;
  onDeleted: () => void;
  /** The provider answered a test of the stored key: its health may have changed (the card reloads it). */
  onTested: () => void;
  onClose: () => void;
  /** Puts the keyboard back in the key field (after a rejected key). */
  focusInput: () => void;
  /** The provider has other keys: Delete removes this one (by its id), not all of them. */
  deleteOne?: boolean;
}

const toneOf = (status: KeyTestResult["status"]): KeyNotice["tone"] =>
  status === "valid" ? "success" : status === "limited" || status === "unreachable" ? "warning" : "error";

/**
 * The key dialog's requests (save, test, delete) and what they leave on screen: which one is running, the
 * key field's error and the result notice. The key itself is passed in by the caller at the moment of the
 * request (read from the password input), never held here.
 */
export function useKeyActions({ provider, apiKey, onSaved, onDeleted, onTested, onClose, focusInput, deleteOne = false }: Options) {
  // A custom endpoint may need no key: its field may be left empty (sent as null, "no key").
  const keyOptional = provider.registryId === "custom";
  const isEmpty = (value: string) => (keyOptional ? value.trim() === "" : value === "");
  const [busy, setBusy] = useState<KeyAction | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [notice, setNotice] = useState<KeyNotice | null>(null);

  function start(action: KeyAction) {
    setBusy(action);
    setFieldError(null);
    setNotice(null);
  }

  function showFailure(error: ApiFailure) {
    if (error.code === "invalid_api_key" || error.code === "invalid_body") {
      setFieldError(error.fields?.apiKey ?? error.message);
    } else if (error.code === "provider_unreachable") {
      setNotice({ tone: "warning", text: error.message, saveAnyway: true });
    } else {
      setNotice({ tone: "error", text: error.message });
    }
  }

  /** Checks the typed key in the browser first (the same rules as the server), then asks the server. */
  function rejectLocally(value: string): boolean {
    const problem = apiKeyProblem(value);
    if (!problem) return false;
    setFieldError(problem);
    focusInput();
    return true;
  }

  async function save(value: string, skipValidation = false) {
    const noKey = isEmpty(value) && keyOptional;
    if (!noKey && rejectLocally(value)) return;
    start("save");
    const result = await requestJson<SavedKeyView>("POST", "/api/user/api-keys", {
      providerId: provider.id,
      apiKey: noKey ? null : value.trim(),
      ...(skipValidation ? { skipValidation: true } : {}),
    });
    setBusy(null);
    if (!result.ok) {
      showFailure(result.error);
      if (result.error.code === "invalid_api_key") focusInput();
      return;
    }
    const { validation, ...saved } = result.data;
    onSaved(saved);
    toast.success(noKey ? `${provider.name} saved without a key` : `${provider.name} API key saved`, {
      description: validation?.status === "limited" ? validation.message : skipValidation ? "Saved without a check." : undefined,
    });
    onClose();
  }

  /** Tests the typed key; with the field empty, the stored one (or, for an endpoint with none, no key at all). */
  async function test(value: string) {
    const empty = isEmpty(value);
    if (!empty && rejectLocally(value)) return;
    start("test");
    const result = await requestJson<KeyTestResult>("POST", "/api/user/api-keys/test", {
      providerId: provider.id,
      ...(!empty ? { apiKey: value.trim() } : !apiKey && keyOptional ? { apiKey: null } : {}),
    });
    setBusy(null);
    if (!result.ok) return showFailure(result.error);
    const { status, message } = result.data;
    if (status === "invalid") setFieldError(message);
    else setNotice({ tone: toneOf(status), text: message });
    if (empty && apiKey) onTested();
  }

  /** Deletes the stored key; true when the dialog may close. */
  async function remove(): Promise<boolean> {
    start("delete");
    const result =
      deleteOne && apiKey
        ? await requestJson("DELETE", `/api/user/api-keys/${apiKey.id}`)
        : await requestJson("DELETE", "/api/user/api-keys", { providerId: provider.id });
    setBusy(null);
    if (!result.ok && result.error.code !== "api_key_not_found") {
      setNotice({ tone: "error", text: result.error.message });
      return false;
    }
    onDeleted();
    if (result.ok) toast.success(`${provider.name} API key deleted`);
    onClose();
    return true;
  }

  const clearMessages = () => {
    setFieldError(null);
    setNotice(null);
  };

  return { busy, fieldError, notice, keyOptional, clearMessages, save, test, remove };
}
