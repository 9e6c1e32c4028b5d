"use client";

import { Key, List, MessageSquare, Plus } from "lucide-react";
import { lazy, type ReactNode, Suspense, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Switch } from "@/components/ui/switch";
import { canChat, canUse } from "@/lib/client/key-use";
import { cn } from "@/lib/utils";
import type { KeyView, ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { MAX_KEYS_PER_PROVIDER } from "@/lib/db/key-facts";
import { HealthLine, KeyBadges, UsageLine } from "./key-status";
import { FallbackSwitch, KeyList } from "./key-list";

// The dialog (Radix Dialog, AlertDialog, the form) loads when first wanted, and starts loading on hover/focus;
// the models panel loads when first opened.
const loadKeyDialog = () => import("./key-dialog");
const KeyDialog = lazy(() => loadKeyDialog().then((m) => ({ default: m.KeyDialog })));
const loadAddKeyDialog = () => import("./add-key-dialog");
const AddKeyDialog = lazy(() => loadAddKeyDialog().then((m) => ({ default: m.AddKeyDialog })));
const ModelsPanel = lazy(() => import("./models-panel").then((m) => ({ default: m.ModelsPanel })));

interface ProviderCardProps {
  provider: ProviderView;
  /** The primary key (the first used); undefined without one. */
  apiKey: ListedKeyView | undefined;
  /** All of the provider's keys in order, the primary first (the card lists them when there are several). */
  keys: ListedKeyView[];
  /** Whether a failing key falls through to the next ("Always use my first key" is its opposite). */
  fallback: boolean;
  onFallbackChange: (fallback: boolean) => void;
  /** Keys were added, moved, renamed, toggled or deleted by id: the section reads them again. */
  onKeysChanged: () => void;
  /** The key's 30-day chart, drawn on the server (usage-chart.tsx); absent when it has no usage. */
  chart?: ReactNode;
  now: number;
  toggling: boolean;
  onToggle: (isEnabled: boolean) => void;
  onSaved: (key: KeyView) => void;
  onDeleted: () => void;
  /** The provider was asked about the stored key (a test, a models list): its health may have changed. */
  onChecked: () => void;
  /** Opens the key dialog as the card appears (a custom endpoint just added). */
  startOpen?: boolean;
  /** More buttons for the footer (a custom endpoint's Edit). */
  actions?: ReactNode;
}

const BORDER: Partial<Record<KeyView["health"], string>> = {
  rejected: "border-destructive/60",
  limited: "border-warning/60",
};

export function ProviderCard(props: ProviderCardProps) {
  const { provider, apiKey, keys, fallback, onFallbackChange, onKeysChanged, chart, now, toggling, onToggle, onSaved, onDeleted, onChecked } = props;
  const { startOpen = false, actions } = props;
  const several = keys.length > 1;
  const [open, setOpen] = useState(startOpen);
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const [showModels, setShowModels] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const endpoint = provider.registryId === "custom";
  // Endpoints are told apart by id: a user may have several.
  const slug = endpoint ? provider.id : provider.registryId;
  const titleId = `provider-${slug}-title`;
  const modelsId = useId();
  const flagged = apiKey?.isEnabled ? BORDER[apiKey.health] : undefined;

  return (
    <Card
      aria-labelledby={titleId}
      role="group"
      id={`provider-${slug}`}
      data-testid={endpoint ? `endpoint-card-${provider.id}` : `provider-card-${provider.registryId}`}
      data-health={apiKey?.health}
      data-provider-id={provider.id}
      className={cn("scroll-mt-6", flagged)}
    >
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <CardTitle id={titleId} className="min-w-0 break-words">
            {provider.name}
          </CardTitle>
          <KeyBadges apiKey={apiKey} endpoint={endpoint} now={now} />
        </div>
        {endpoint ? (
          <CardDescription className="truncate font-mono text-xs" title={provider.baseUrl}>
            {provider.baseUrl}
          </CardDescription>
        ) : provider.description ? (
          <CardDescription>{provider.description}</CardDescription>
        ) : null}
      </CardHeader>
      <CardContent className="min-h-14 space-y-1 text-sm">
        {apiKey && several ? (
          <>
            <KeyList provider={provider} keys={keys} now={now} onChanged={onKeysChanged} />
            <FallbackSwitch fallback={fallback} onChange={onFallbackChange} describedBy={`${titleId}-fallback`} />
          </>
        ) : apiKey ? (
          <>
            {apiKey.apiKey === "" ? (
              <p className="text-xs">Requests go without a key.</p>
            ) : (
              <p className="flex min-w-0 items-center gap-2">
                <span className="sr-only">Saved key:</span>
                <code className="truncate rounded bg-muted px-1.5 py-0.5 font-mono text-xs" title={apiKey.apiKey} data-testid="masked-key">
                  {apiKey.apiKey}
                </code>
              </p>
            )}
            <p className={cn("text-xs", apiKey.health === "rejected" ? "text-destructive" : "text-muted-foreground")} data-testid="health-line">
              <HealthLine apiKey={apiKey} now={now} />
            </p>
            <p className="text-xs text-muted-foreground" data-testid="usage-line">
              <UsageLine apiKey={apiKey} now={now} />
            </p>
            {chart ? <div className="pt-1">{chart}</div> : null}
          </>
        ) : null}
        {apiKey ? (
          <>
            {canUse(apiKey) ? (
              <div className="pt-1">
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
                {canChat(apiKey) ? (
                  // A plain link: next/link would add its client code (~6 kB gzip) to the settings page for one link
                  // to a page that loads its own bundle anyway.
                  <a
                    href={`/playground?provider=${encodeURIComponent(provider.id)}`}
                    className="ml-4 inline-flex items-center gap-1 text-xs text-primary underline-offset-4 hover:underline [&_svg]:size-4"
                    data-testid="playground-link"
                  >
                    <MessageSquare aria-hidden />
                    Try it in the Playground
                  </a>
                ) : null}
                {showModels ? (
                  <div id={modelsId} className="pt-1">
                    <Suspense fallback={null}>
                      <ModelsPanel provider={provider} onAnswered={onChecked} />
                    </Suspense>
                  </div>
                ) : null}
              </div>
            ) : null}
          </>
        ) : null}
        {apiKey && keys.length < MAX_KEYS_PER_PROVIDER ? (
          <Button
            ref={addButton}
            variant="link"
            size="sm"
            className="h-auto px-0 text-xs"
            aria-haspopup="dialog"
            onPointerEnter={() => void loadAddKeyDialog()}
            onFocus={() => void loadAddKeyDialog()}
            onClick={() => setAdding(true)}
          >
            <Plus aria-hidden />
            Add another key
          </Button>
        ) : null}
        {apiKey ? null : (
          <p className="text-xs text-muted-foreground">
            {endpoint
              ? "Save its key, or save it without one if it needs none, to use it."
              : `No key saved. Requests to ${provider.name} need your own key.`}
          </p>
        )}
      </CardContent>
      <CardFooter className="justify-between">
        {apiKey ? (
          <label className="flex cursor-pointer items-center gap-2 text-sm">
            <Switch
              checked={apiKey.isEnabled}
              disabled={toggling}
              onCheckedChange={onToggle}
              aria-label={endpoint ? `Use ${provider.name}` : `Use the ${provider.name} API key`}
            />
            <span aria-hidden>{apiKey.isEnabled ? "Enabled" : "Disabled"}</span>
          </label>
        ) : (
          <span />
        )}
        <span className="flex flex-wrap justify-end gap-2">
          {actions}
          <Button
            ref={button}
            variant={apiKey?.isEnabled && apiKey.health === "rejected" ? "destructive" : "outline"}
            size="sm"
            aria-haspopup="dialog"
            aria-expanded={open}
            onPointerEnter={() => void loadKeyDialog()}
            onFocus={() => void loadKeyDialog()}
            onClick={() => setOpen(true)}
          >
            <Key aria-hidden />
            {apiKey ? (several ? "Update first key" : "Update API Key") : "Add API Key"}
          </Button>
        </span>
        {adding ? (
          <Suspense fallback={null}>
            <AddKeyDialog
              provider={provider}
              taken={keys.map((k) => k.label)}
              returnFocusTo={addButton}
              onClose={() => setAdding(false)}
              onSaved={onKeysChanged}
            />
          </Suspense>
        ) : null}
        {open ? (
          <Suspense fallback={null}>
            <KeyDialog
              provider={provider}
              apiKey={apiKey}
              returnFocusTo={button}
              onClose={() => setOpen(false)}
              onSaved={onSaved}
              onDeleted={onDeleted}
              onTested={onChecked}
              deleteOne={several}
            />
          </Suspense>
        ) : null}
      </CardFooter>
    </Card>
  );
}
