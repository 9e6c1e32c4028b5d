"use client";

import { useEffect, useId, useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { callApi } from "@/lib/client/api";
import { isChatModel } from "@/lib/client/chat-models";
import type { ModelListView } from "@/lib/validation/models";

type State =
  { phase: "loading" } | { phase: "listed"; models: ModelListView["models"] } | { phase: "typed"; reason: string };

export const SELECT_CLASS =
  "flex h-9 w-full min-w-0 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-60";

/** The chat models the provider's key can reach, asked for once per provider (the picker is keyed by it). */
function useChatModels(providerId: string, providerName: string): State {
  const [state, setState] = useState<State>({ phase: "loading" });
  useEffect(() => {
    let current = true;
    void callApi("listModels", { query: { providerId } }).then((result) => {
      if (!current) return;
      // Chat models only: the playground cannot talk to an embedding, speech or image model.
      const models = result.ok ? result.data.models.filter((m) => isChatModel(m.id)) : [];
      if (models.length > 0) setState({ phase: "listed", models });
      else
        setState({
          phase: "typed",
          reason: result.ok ? `${providerName} lists no chat models for this key.` : result.error.message,
        });
    });
    return () => {
      current = false;
    };
  }, [providerId, providerName]);
  return state;
}

/**
 * The model, picked from the chat models the key can reach (GET /api/user/api-keys/models); when that list cannot
 * be had (the provider is down, the key may not list models), a text field takes the model's id instead.
 */
export function ModelPicker({
  providerId,
  providerName,
  value,
  onChange,
  disabled,
}: {
  providerId: string;
  providerName: string;
  value: string;
  onChange: (model: string) => void;
  disabled?: boolean;
}) {
  const state = useChatModels(providerId, providerName);
  const id = useId();
  const hintId = useId();

  // The first listed model is picked unless the current one is listed.
  useEffect(() => {
    if (state.phase === "listed" && !state.models.some((m) => m.id === value)) onChange(state.models[0]!.id);
  }, [state, value, onChange]);

  return (
    <div className="min-w-0 space-y-1.5">
      <Label htmlFor={id}>Model</Label>
      {state.phase === "typed" ? (
        <TypedModel
          id={id}
          hintId={hintId}
          reason={state.reason}
          value={value}
          onChange={onChange}
          disabled={disabled}
        />
      ) : (
        <ModelSelect id={id} state={state} value={value} onChange={onChange} disabled={disabled} />
      )}
    </div>
  );
}

interface FieldProps {
  id: string;
  value: string;
  onChange: (model: string) => void;
  disabled?: boolean;
}

/** The model's id typed, when the models could not be listed (and why not). */
function TypedModel({
  id,
  hintId,
  reason,
  value,
  onChange,
  disabled,
}: FieldProps & { hintId: string; reason: string }) {
  return (
    <>
      <Input
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder="e.g. gpt-4o-mini"
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        aria-describedby={hintId}
        data-testid="model-input"
      />
      <p id={hintId} className="text-xs text-muted-foreground">
        Couldn&apos;t list the models ({reason}) Type the model&apos;s id instead.
      </p>
    </>
  );
}

/** The listed chat models to pick from (disabled while they load). */
function ModelSelect({
  id,
  state,
  value,
  onChange,
  disabled,
}: FieldProps & { state: Exclude<State, { phase: "typed" }> }) {
  return (
    <select
      id={id}
      className={SELECT_CLASS}
      value={state.phase === "listed" ? value : ""}
      onChange={(event) => onChange(event.target.value)}
      disabled={disabled || state.phase === "loading"}
      aria-busy={state.phase === "loading"}
      data-testid="model-select"
    >
      {state.phase === "loading" ? (
        <option value="">Loading models…</option>
      ) : (
        state.models.map((model) => (
          <option key={model.id} value={model.id}>
            {model.name === model.id ? model.id : `${model.name} (${model.id})`}
          </option>
        ))
      )}
    </select>
  );
}
