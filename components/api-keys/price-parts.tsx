"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { plural } from "@/lib/client/format";
import type { PriceView } from "@/lib/validation/spend";

/** The prices panel's table of prices and its form for the user's own (prices-panel.tsx holds their state). */

export type Draft = { model: string; input: string; output: string };
export type Errors = Partial<Record<keyof Draft | "form", string>>;

const perMillion = (usd: number) =>
  `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;

export function PriceTable({
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

export function PriceForm({
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
