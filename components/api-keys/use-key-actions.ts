"use client";

import { useState } from "react";
import { type ApiFailure, callApi } from "@/lib/client/api";
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

export type FieldErrors = Partial<Record<"label" | "apiKey" | "expiresAt", string>>;

/** What is saved besides the key: a label (a new key, or one of several replaced) and an expiry. */
export interface KeyTarget {
  label?: string;
  expiresAt?: string;
}

interface Options {
  provider: ProviderView;
  /** The stored key the dialog replaces; undefined for a new one. */
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

/** Where a refusal shows: under its field (a rejected key, a bad label) or as the dialog's notice. */
function placeFailure(error: ApiFailure): { fields?: FieldErrors; notice?: KeyNotice } {
  if (error.code === "invalid_api_key") return { fields: { apiKey: error.fields?.apiKey ?? error.message } };
  if (error.code === "invalid_body" || error.code === "label_taken") {
    const { label, apiKey, expiresAt } = error.fields ?? {};
    if (label || apiKey || expiresAt) return { fields: { label, apiKey, expiresAt } };
    return error.code === "label_taken" ? { fields: { label: error.message } } : { fields: { apiKey: error.message } };
  }
  if (error.code === "provider_unreachable")
    return { notice: { tone: "warning", text: error.message, saveAnyway: true } };
  return { notice: { tone: "error", text: error.message } };
}

/** What a test sends: the typed key; or the stored one (one of several by its id, a lone key as the primary); or none. */
function testBody(
  providerId: string,
  typed: string | null,
  stored: KeyView | undefined,
  byId: boolean,
  keyOptional: boolean,
) {
  if (typed !== null) return { providerId, apiKey: typed };
  if (stored) return byId ? { id: stored.id } : { providerId };
  return { providerId, ...(keyOptional ? { apiKey: null } : {}) };
}

/** The toast of a save: saved, added (a new labelled key), or saved without a key or a check. */
function announceSave(
  provider: ProviderView,
  saved: SavedKeyView,
  how: { noKey: boolean; added: boolean; skipped: boolean },
) {
  const title = how.noKey
    ? `${provider.name} saved without a key`
    : how.added
      ? `Added the ${provider.name} key “${saved.label}”`
      : `${provider.name} API key saved`;
  const { validation } = saved;
  toast.success(title, {
    description:
      validation?.status === "limited" ? validation.message : how.skipped ? "Saved without a check." : undefined,
  });
}

/**
 * What the dialog shows after a request: the fields' errors and the result notice, and the browser's own check of
 * what was typed (the server's rules) before anything is sent.
 */
function useKeyMessages(focusInput: () => void) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<KeyNotice | null>(null);
  const clear = () => {
    setFieldErrors({});
    setNotice(null);
  };
  return {
    fieldErrors,
    notice,
    setFieldErrors,
    setNotice,
    clear,
    showFailure(error: ApiFailure) {
      const { fields, notice: shown } = placeFailure(error);
      if (fields) setFieldErrors(fields);
      if (shown) setNotice(shown);
      if (fields?.apiKey) focusInput();
    },
    /**
     * Checks the typed key (null: none, for an endpoint that needs none) and whatever else the caller found wrong;
     * true when something was wrong, and is now shown.
     */
    rejectLocally(value: string | null, found: FieldErrors = {}): boolean {
      const problems = {
        ...found,
        apiKey: found.apiKey ?? (value === null ? undefined : (apiKeyProblem(value) ?? undefined)),
      };
      if (!Object.values(problems).some(Boolean)) return false;
      setFieldErrors(problems);
      if (problems.apiKey) focusInput();
      return true;
    },
  };
}

/** What each request needs: the hook's options, the key's rules, the messages and the busy state. */
interface Run extends Omit<Options, "deleteOne" | "focusInput"> {
  deleteOne: boolean;
  keyOptional: boolean;
  isEmpty: (value: string) => boolean;
  messages: ReturnType<typeof useKeyMessages>;
  start: (action: KeyAction) => void;
  done: () => void;
}

/**
 * The key dialog's requests (save, test, delete) and what they leave on screen: which one is running, the
 * fields' errors and the result notice. The key itself is passed in by the caller at the moment of the request
 * (read from the password input), never held here.
 */
export function useKeyActions({ focusInput, deleteOne = false, ...options }: Options) {
  // A custom endpoint may need no key: its field may be left empty (sent as null, "no key").
  const keyOptional = options.provider.registryId === "custom";
  const [busy, setBusy] = useState<KeyAction | null>(null);
  const messages = useKeyMessages(focusInput);
  const run: Run = {
    ...options,
    deleteOne,
    keyOptional,
    isEmpty: (value) => (keyOptional ? value.trim() === "" : value === ""),
    messages,
    start(action) {
      setBusy(action);
      messages.clear();
    },
    done: () => setBusy(null),
  };

  return {
    busy,
    fieldErrors: messages.fieldErrors,
    notice: messages.notice,
    keyOptional,
    clearMessages: messages.clear,
    save: (value: string, target?: KeyTarget, saveOptions?: SaveOptions) => saveKey(run, value, target, saveOptions),
    test: (value: string) => testKey(run, value),
    remove: () => removeKey(run),
  };
}

type SaveOptions = { skipValidation?: boolean; found?: FieldErrors };

async function saveKey(run: Run, value: string, target: KeyTarget = {}, options: SaveOptions = {}) {
  const { provider, apiKey, messages } = run;
  const noKey = run.isEmpty(value) && run.keyOptional;
  if (messages.rejectLocally(noKey ? null : value, options.found)) return;
  run.start("save");
  const body = {
    providerId: provider.id,
    apiKey: noKey ? null : value.trim(),
    ...target,
    ...(options.skipValidation ? { skipValidation: true } : {}),
  };
  const result = await callApi("saveApiKey", { body });
  run.done();
  if (!result.ok) return messages.showFailure(result.error);
  const { validation: _validation, ...saved } = result.data;
  run.onSaved(saved);
  announceSave(provider, result.data, {
    noKey,
    added: Boolean(target.label && !apiKey),
    skipped: Boolean(options.skipValidation),
  });
  run.onClose();
}

/** Tests the typed key; with the field empty, the stored one (or, for an endpoint with none, no key at all). */
async function testKey(run: Run, value: string) {
  const { apiKey, messages } = run;
  const empty = run.isEmpty(value);
  if (!empty && messages.rejectLocally(value)) return;
  run.start("test");
  const result = await callApi("testApiKey", {
    body: testBody(run.provider.id, empty ? null : value.trim(), apiKey, run.deleteOne, run.keyOptional),
  });
  run.done();
  if (!result.ok) return messages.showFailure(result.error);
  const { status, message } = result.data;
  if (status === "invalid") messages.setFieldErrors({ apiKey: message });
  else messages.setNotice({ tone: toneOf(status), text: message });
  if (empty && apiKey) run.onTested();
}

/** Deletes the stored key; true when the dialog may close. */
async function removeKey(run: Run): Promise<boolean> {
  const { provider, apiKey } = run;
  run.start("delete");
  // One of several keys goes by its id; a lone key goes with its provider (DELETE { providerId }).
  const result =
    run.deleteOne && apiKey
      ? await callApi("deleteApiKeyById", { path: { id: apiKey.id } })
      : await callApi("deleteApiKey", { body: { providerId: provider.id } });
  run.done();
  if (!result.ok && result.error.code !== "api_key_not_found") {
    run.messages.setNotice({ tone: "error", text: result.error.message });
    return false;
  }
  run.onDeleted();
  if (result.ok) toast.success(`${provider.name} API key deleted`);
  run.onClose();
  return true;
}
