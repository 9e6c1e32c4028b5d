"use client";

import { AlertCircle, AlertTriangle, CheckCircle, Key } from "lucide-react";
import { lazy, type ReactNode, Suspense, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Switch } from "@/components/ui/switch";
import { relativeTime } from "@/lib/client/relative-time";
import type { KeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

// The dialog (Radix Dialog, AlertDialog, the form) loads when first wanted, and starts loading on hover/focus.
const loadKeyDialog = () => import("./key-dialog");
const KeyDialog = lazy(() => loadKeyDialog().then((m) => ({ default: m.KeyDialog })));

interface ProviderCardProps {
  provider: ProviderView;
  apiKey: KeyView | undefined;
  now: number;
  toggling: boolean;
  onToggle: (isEnabled: boolean) => void;
  onSaved: (key: KeyView) => void;
  onDeleted: () => void;
  /** Opens the key dialog as the card appears (a custom endpoint just added). */
  startOpen?: boolean;
  /** More buttons for the footer (a custom endpoint's Edit). */
  actions?: ReactNode;
}

function KeyBadge({ apiKey, endpoint }: { apiKey: KeyView | undefined; endpoint: boolean }) {
  if (!apiKey) {
    return (
      <Badge variant="warning">
        <AlertCircle aria-hidden />
        {endpoint ? "Not Set Up" : "API Key Required"}
      </Badge>
    );
  }
  return (
    <span className="flex flex-wrap gap-1.5">
      <Badge variant="success">
        <CheckCircle aria-hidden />
        {apiKey.apiKey === "" ? "No Key Needed" : "API Key Set"}
      </Badge>
      {apiKey.needsReentry ? (
        <Badge variant="destructive">
          <AlertTriangle aria-hidden />
          Needs re-entry
        </Badge>
      ) : null}
    </span>
  );
}

export function ProviderCard({ provider, apiKey, now, toggling, onToggle, onSaved, onDeleted, startOpen = false, actions }: ProviderCardProps) {
  const [open, setOpen] = useState(startOpen);
  const button = useRef<HTMLButtonElement>(null);
  const endpoint = provider.registryId === "custom";
  const titleId = `provider-${provider.id}-title`;
  return (
    <Card aria-labelledby={titleId} role="group" data-testid={endpoint ? `endpoint-card-${provider.id}` : `provider-card-${provider.registryId}`}>
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <CardTitle id={titleId} className="min-w-0 break-words">
            {provider.name}
          </CardTitle>
          <KeyBadge apiKey={apiKey} endpoint={endpoint} />
        </div>
        {provider.registryId === "custom" ? (
          <CardDescription className="truncate font-mono text-xs" title={provider.baseUrl}>
            {provider.baseUrl}
          </CardDescription>
        ) : provider.description ? (
          <CardDescription>{provider.description}</CardDescription>
        ) : null}
      </CardHeader>
      <CardContent className="min-h-14 space-y-1 text-sm">
        {apiKey ? (
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
            <p className="text-xs text-muted-foreground">
              {apiKey.needsReentry
                ? "This key can no longer be read by the server. Enter it again to keep using it."
                : apiKey.lastValidatedAt
                  ? `Verified ${relativeTime(apiKey.lastValidatedAt, now)}`
                  : "Saved without a check"}
            </p>
          </>
        ) : (
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
            variant="outline"
            size="sm"
            aria-haspopup="dialog"
            aria-expanded={open}
            onPointerEnter={() => void loadKeyDialog()}
            onFocus={() => void loadKeyDialog()}
            onClick={() => setOpen(true)}
          >
            <Key aria-hidden />
            {apiKey ? "Update API Key" : "Add API Key"}
          </Button>
        </span>
        {open ? (
          <Suspense fallback={null}>
            <KeyDialog
              provider={provider}
              apiKey={apiKey}
              returnFocusTo={button}
              onClose={() => setOpen(false)}
              onSaved={onSaved}
              onDeleted={onDeleted}
            />
          </Suspense>
        ) : null}
      </CardFooter>
    </Card>
  );
}
