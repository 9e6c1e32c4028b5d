"use client";

import { useEffect, useState } from "react";
import { type ApiFailure, callApi } from "@/lib/client/api";
import type { ProviderView } from "@/lib/validation/providers";
import type { PriceView } from "@/lib/validation/spend";
import { type Draft, type Errors, PriceForm, PriceTable } from "./price-parts";

type State = { phase: "loading" } | { phase: "loaded"; prices: PriceView[] } | { phase: "failed"; error: ApiFailure };
const DOLLARS = /^\d+(\.\d{1,6})?$/;

async function readPrices(providerId: string): Promise<State> {
  const result = await callApi("listPrices", { query: { providerId } });
  return result.ok ? { phase: "loaded", prices: result.data.prices } : { phase: "failed", error: result.error };
}

function priceProblem(text: string): string | undefined {
  const value = Number(text.trim().replace(/^\$/, ""));
  if (!DOLLARS.test(text.trim().replace(/^\$/, "")) || !Number.isFinite(value))
    return "Enter dollars per million tokens, such as 2.50 (0 to 1000).";
  return value > 1000 ? "Enter at most $1000 per million tokens." : undefined;
}

/** The panel's state: the prices as read, the form's draft and errors, what is being sent, what was last said. */
function usePrices(providerId: string) {
  const [state, setState] = useState<State>({ phase: "loading" });
  const [draft, setDraft] = useState<Draft>({ model: "", input: "", output: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState<string | null>(null);
  const [said, setSaid] = useState("");

  useEffect(() => {
    let current = true;
    void readPrices(providerId).then((read) => current && setState(read));
    return () => {
      current = false;
    };
  }, [providerId]);
  const load = async () => setState(await readPrices(providerId));

  async function save() {
    const found = draftProblems(draft);
    setErrors(found);
    if (found.model || found.input || found.output) return;
    const model = draft.model.trim();
    setSending("save");
    const result = await callApi("setPrice", {
      body: {
        providerId,
        model,
        inputPerMTokUsd: Number(draft.input.trim().replace(/^\$/, "")),
        outputPerMTokUsd: Number(draft.output.trim().replace(/^\$/, "")),
      },
    });
    setSending(null);
    if (!result.ok) return setErrors(saveErrors(result.error));
    setDraft({ model: "", input: "", output: "" });
    setSaid(`Your price for ${model} is saved.`);
    await load();
  }

  async function clear(model: string) {
    setSending(model);
    const result = await callApi("deletePrice", { body: { providerId, model } });
    setSending(null);
    if (!result.ok) return setErrors({ form: `Couldn't clear your price for ${model}: ${result.error.message}` });
    setSaid(`Your price for ${model} is cleared.`);
    await load();
  }

  return { state, draft, setDraft, errors, sending, said, save, clear };
}

function draftProblems(draft: Draft): Errors {
  return {
    model: draft.model.trim() === "" ? "Enter the model's id, as the provider names it." : undefined,
    input: priceProblem(draft.input),
    output: priceProblem(draft.output),
  };
}

/** The server's refusal, on the field it names, or on the form when it names none. */
function saveErrors(error: ApiFailure): Errors {
  const fields = error.fields ?? {};
  return {
    model: fields.model,
    input: fields.inputPerMTokUsd,
    output: fields.outputPerMTokUsd,
    form: Object.keys(fields).length ? undefined : error.message,
  };
}

/**
 * A provider's "Prices" (loaded on demand): each model's price per million input and output tokens, the
 * catalogue's or the user's own (which wins), and a form to set or clear the user's price for any model.
 */
export function PricesPanel({ provider }: { provider: ProviderView }) {
  const prices = usePrices(provider.id);
  const { state, errors, sending } = prices;

  return (
    <div className="space-y-3 rounded-md border p-3 text-xs" data-testid="prices-panel">
      <p className="font-medium">Prices per million tokens</p>
      {state.phase === "loading" ? (
        <p role="status" className="text-muted-foreground">
          Loading prices…
        </p>
      ) : state.phase === "failed" ? (
        <p role="alert" className="text-destructive">
          {`Couldn't load the prices: ${state.error.message}`}
        </p>
      ) : state.prices.length === 0 ? (
        <p className="text-muted-foreground">
          No prices yet: its answers count as unpriced. Set a price for the models you use below.
        </p>
      ) : (
        <PriceTable
          providerName={provider.name}
          prices={state.prices}
          sending={sending}
          onClear={(model) => void prices.clear(model)}
        />
      )}
      <PriceForm
        providerName={provider.name}
        draft={prices.draft}
        errors={errors}
        sending={sending}
        onChange={prices.setDraft}
        onSave={() => void prices.save()}
      />
      {errors.form ? (
        <p role="alert" className="text-destructive">
          {errors.form}
        </p>
      ) : null}
      <p role="status" className="text-muted-foreground">
        {prices.said}
      </p>
    </div>
  );
}
