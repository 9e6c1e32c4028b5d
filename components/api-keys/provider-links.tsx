"use client";

import { List, MessageSquare } from "lucide-react";
import { lazy, type ReactNode, Suspense, useId, useState } from "react";
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
          <Toggle shown={showModels} controls={modelsId} onToggle={() => setShowModels((shown) => !shown)}>
            <List aria-hidden />
            {showModels ? "Hide models" : "Show models"}
          </Toggle>
        ) : null}
        <Toggle
          shown={showPrices}
          controls={pricesId}
          label={`${showPrices ? "Hide" : "Show"} ${provider.name} prices`}
          onToggle={() => setShowPrices((shown) => !shown)}
        >
          {showPrices ? "Hide prices" : "Prices"}
        </Toggle>
        {usable && anyChat(keys, now) ? <PlaygroundLink providerId={provider.id} /> : null}
      </div>
      {showModels ? (
        <Shown id={modelsId}>
          <ModelsPanel provider={provider} onAnswered={onChecked} />
        </Shown>
      ) : null}
      {showPrices ? (
        <Shown id={pricesId}>
          <PricesPanel provider={provider} />
        </Shown>
      ) : null}
    </div>
  );
}

/** A link-styled button that shows or hides the panel it controls. */
function Toggle({
  shown,
  controls,
  label,
  onToggle,
  children,
}: {
  shown: boolean;
  controls: string;
  label?: string;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <Button
      variant="link"
      size="sm"
      className="h-auto px-0 text-xs"
      aria-expanded={shown}
      aria-controls={shown ? controls : undefined}
      aria-label={label}
      onClick={onToggle}
    >
      {children}
    </Button>
  );
}

/** A shown panel, loaded on first use. */
function Shown({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div id={id} className="pt-1">
      <Suspense fallback={null}>{children}</Suspense>
    </div>
  );
}

function PlaygroundLink({ providerId }: { providerId: string }) {
  // A plain link: next/link would add its client code (~6 kB gzip) to the settings page for one link
  // to a page that loads its own bundle anyway.
  return (
    <a
      href={`/playground?provider=${encodeURIComponent(providerId)}`}
      className="inline-flex items-center gap-1 text-xs text-primary underline-offset-4 hover:underline [&_svg]:size-4"
      data-testid="playground-link"
    >
      <MessageSquare aria-hidden />
      Try it in the Playground
    </a>
  );
}
