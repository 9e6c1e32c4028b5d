"use client";

import { useEffect, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { type ApiFailure, callApi } from "@/lib/client/api";
import { plural } from "@/lib/client/format";
import type { ProviderView } from "@/lib/validation/providers";
import type { PriceView } from "@/lib/validation/spend";

type State = { phase: "loading" } | { phase: "loaded"; prices: PriceView[] } | { phase: "failed"; error: ApiFailure };
type Draft = { model: string; input: string; output: string };
type Errors = Partial<Record<keyof Draft | "form", string>>;

const perMillion = (usd: number) =>
  `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
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

function PriceTable({
  providerName,
  prices,
  sending,
  onClear,
}: {
  providerName: string;
  prices: PriceView[];
  sending: string | null;
  onClear: (model: string) => void;
}) {
  return (
    <div
      className="max-h-56 overflow-y-auto rounded-md border outline-none focus-visible:ring-2 focus-visible:ring-ring"
      role="region"
      aria-label={`${providerName} prices`}
      tabIndex={0}
    >
      <table className="w-full" data-testid="price-table">
        <caption className="sr-only">{`${plural(prices.length, "model")} with a price`}</caption>
        <thead className="sticky top-0 bg-card text-left text-muted-foreground">
          <tr>
            <th scope="col" className="px-2 py-1 font-medium">
              Model
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Input
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Output
            </th>
            <th scope="col" className="px-2 py-1 font-medium">
              <span className="sr-only">Source</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {prices.map((price) => (
            <PriceRow key={price.model} price={price} busy={sending === price.model} onClear={onClear} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PriceRow({ price, busy, onClear }: { price: PriceView; busy: boolean; onClear: (model: string) => void }) {
  return (
    <tr data-source={price.source}>
      <th scope="row" className="px-2 py-1 text-left font-mono font-normal break-all">
        {price.model}
      </th>
      <td className="px-2 py-1 text-right tabular-nums">{perMillion(price.inputPerMTokUsd)}</td>
      <td className="px-2 py-1 text-right tabular-nums">{perMillion(price.outputPerMTokUsd)}</td>
      <td className="px-2 py-1 text-right">
        {price.source === "user" ? (
          <span className="inline-flex items-center gap-2">
            Yours
            <Button
              variant="link"
              size="sm"
              className="h-auto px-0 text-xs"
              aria-label={`Clear your price for ${price.model}`}
              busy={busy}
              onClick={() => onClear(price.model)}
            >
              Clear
            </Button>
          </span>
        ) : (
          <span className="text-muted-foreground">Catalogue</span>
        )}
      </td>
    </tr>
  );
}

function PriceForm({
  providerName,
  draft,
  errors,
  sending,
  onChange,
  onSave,
}: {
  providerName: string;
  draft: Draft;
  errors: Errors;
  sending: string | null;
  onChange: (draft: Draft) => void;
  onSave: () => void;
}) {
  const id = useId();
  return (
    <form
      noValidate
      aria-label={`Set your own ${providerName} price`}
      className="grid gap-2 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end"
      onSubmit={(event) => {
        event.preventDefault();
        if (!sending) onSave();
      }}
    >
      <PriceInput
        id={`${id}-model`}
        label="Model"
        placeholder="gpt-4o-mini"
        value={draft.model}
        error={errors.model}
        onChange={(model) => onChange({ ...draft, model })}
      />
      <PriceInput
        id={`${id}-input`}
        label="Input $/M"
        placeholder="0.15"
        value={draft.input}
        error={errors.input}
        onChange={(input) => onChange({ ...draft, input })}
      />
      <PriceInput
        id={`${id}-output`}
        label="Output $/M"
        placeholder="0.60"
        value={draft.output}
        error={errors.output}
        onChange={(output) => onChange({ ...draft, output })}
      />
      <Button type="submit" size="sm" variant="outline" busy={sending === "save"}>
        {sending === "save" ? "Saving..." : "Set price"}
      </Button>
    </form>
  );
}

function PriceInput({
  id,
  label,
  placeholder,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="space-y-1">
      <Label htmlFor={id} className="text-xs">
        {label}
      </Label>
      <Input
        id={id}
        className="h-8 text-xs"
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error ? (
        <p id={`${id}-error`} className="text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
