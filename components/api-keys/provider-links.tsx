"use client";

import { List, MessageSquare } from "lucide-react";
import { lazy, Suspense, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { anyChat, anyUsable } from "@/lib/domain/key-use";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

// Loaded when first opened.
const ModelsPanel = lazy(() => import("./models-panel").then((m) => ({ default: m.ModelsPanel })));
const PricesPanel = lazy(() => import("./prices-panel").then((m) => ({ default: m.PricesPanel })));

/**
 * The provider's models and its playground, offered while some key of the provider can be used: the models are
 * those of the key a request would go to (or the next, when it fails), as the playground would use them. Its
 * prices (the catalogue's and the user's own) once it has a key.
 */
export function ProviderLinks({
  provider,
  keys,
  now,
  onChecked,
}: {
  provider: ProviderView;
  keys: ListedKeyView[];
  now: number;
  onChecked: () => void;
}) {
  const [showModels, setShowModels] = useState(false);
  const [showPrices, setShowPrices] = useState(false);
  const modelsId = useId();
  const pricesId = useId();
  const usable = anyUsable(keys, now);
  if (keys.length === 0) return null;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
        {usable ? (
          <Button
            variant="link"
            size="sm"
            className="h-auto px-0 text-xs"
            aria-expanded={showModels}
            aria-controls={showModels ? modelsId : undefined}
            onClick={() => setShowModels((shown) => !shown)}
          >
            <List aria-hidden />
            {showModels ? "Hide models" : "Show models"}
          </Button>
        ) : null}
        <Button
          variant="link"
          size="sm"
          className="h-auto px-0 text-xs"
          aria-expanded={showPrices}
          aria-controls={showPrices ? pricesId : undefined}
          aria-label={`${showPrices ? "Hide" : "Show"} ${provider.name} prices`}
          onClick={() => setShowPrices((shown) => !shown)}
        >
          {showPrices ? "Hide prices" : "Prices"}
        </Button>
        {usable && anyChat(keys, now) ? (
          // A plain link: next/link would add its client code (~6 kB gzip) to the settings page for one link
          // to a page that loads its own bundle anyway.
          <a
            href={`/playground?provider=${encodeURIComponent(provider.id)}`}
            className="inline-flex items-center gap-1 text-xs text-primary underline-offset-4 hover:underline [&_svg]:size-4"
            data-testid="playground-link"
          >
            <MessageSquare aria-hidden />
            Try it in the Playground
          </a>
        ) : null}
      </div>
      {showModels ? (
        <div id={modelsId} className="pt-1">
          <Suspense fallback={null}>
            <ModelsPanel provider={provider} onAnswered={onChecked} />
          </Suspense>
        </div>
      ) : null}
      {showPrices ? (
        <div id={pricesId} className="pt-1">
          <Suspense fallback={null}>
            <PricesPanel provider={provider} />
          </Suspense>
        </div>
      ) : null}
    </div>
  );
}
