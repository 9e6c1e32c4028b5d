"use client";

import { useEffect, useId, useState } from "react";
import { type ApiFailure, callApi } from "@/lib/client/api";
import { plural } from "@/lib/client/format";
import type { ModelListView } from "@/lib/validation/models";
import type { ProviderView } from "@/lib/validation/providers";

type State = { phase: "loading" } | { phase: "loaded"; list: ModelListView } | { phase: "failed"; error: ApiFailure };

interface ModelsPanelProps {
  provider: ProviderView;
  /** One key's models (by its id); without it, those of the key a request would go to. */
  keyId?: string;
  onAnswered: () => void;
}

/** The key's models, asked for once per opening; the card is told when the provider has answered. */
function useKeyModels(providerId: string, keyId: string | undefined, onAnswered: () => void): State {
  const [state, setState] = useState<State>({ phase: "loading" });

  useEffect(() => {
    let current = true;
    void callApi("listModels", { query: { providerId, ...(keyId ? { id: keyId } : {}) } }).then((result) => {
      if (!current) return;
      setState(result.ok ? { phase: "loaded", list: result.data } : { phase: "failed", error: result.error });
      onAnswered();
    });
    return () => {
      current = false;
    };
    // Asked once per opening; `onAnswered` is a fresh function on every render of the card.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [providerId, keyId]);

  return state;
}

/**
 * The models a saved key can reach, asked for when the panel opens (loaded on demand with it). The provider's
 * answer may change the key's health, so the card is told when it arrives.
 */
export function ModelsPanel({ provider, keyId, onAnswered }: ModelsPanelProps) {
  const state = useKeyModels(provider.id, keyId, onAnswered);

  if (state.phase === "loading") {
    return (
      <p role="status" className="text-xs text-muted-foreground">
        Asking {provider.name} for its models…
      </p>
    );
  }
  if (state.phase === "failed") {
    return (
      <p role="alert" className="text-xs text-destructive">
        {state.error.message}
      </p>
    );
  }
  return <ModelList models={state.list.models} />;
}

function ModelList({ models }: { models: ModelListView["models"] }) {
  const listId = useId();
  return (
    <div className="space-y-1.5">
      <p role="status" id={listId} className="text-xs font-medium">
        {plural(models.length, "model")} available with this key
      </p>
      {models.length > 0 ? (
        <ul
          aria-labelledby={listId}
          tabIndex={0}
          className="max-h-40 overflow-y-auto rounded-md border bg-muted/40 p-2 font-mono text-xs outline-none focus-visible:ring-2 focus-visible:ring-ring"
          data-testid="model-list"
        >
          {models.map((model) => (
            <li
              key={model.id}
              className="truncate py-0.5"
              title={model.name === model.id ? model.id : `${model.name} (${model.id})`}
            >
              {model.id}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
