"use client";

import { ExternalLink, Eye, EyeOff } from "lucide-react";
import { type RefObject, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { getProviderInfo } from "@/lib/domain/catalogue";
import type { KeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";

interface KeyInputProps {
  provider: ProviderView;
  /** The stored key, for the hint ("A key is saved (…). Saving replaces it."). */
  stored: KeyView | undefined;
  inputRef: RefObject<HTMLInputElement | null>;
  error: string | null;
  /** Every edit, with the field's current value (not kept by the caller: the key lives only in the input). */
  onEdit: (value: string) => void;
}

const shortMask = (mask: string) => (mask.length > 24 ? `${mask.slice(0, 12)}…${mask.slice(-4)}` : mask);
/** "an OpenAI key", "a Groq key": the article as the name is said (xAI is "ex-A-I"). */
export const aKey = (name: string) => `${/^[aeiox]/i.test(name) ? "an" : "a"} ${name} key`;

/** Where the provider hands out keys, in a new tab. */
function GetKeyLink({ href, providerName }: { href: string; providerName: string }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className="inline-flex items-center gap-1 text-xs text-primary underline-offset-4 hover:underline"
    >
      Get a key from {providerName}
      <ExternalLink className="size-3" aria-hidden />
      <span className="sr-only">(opens in a new tab)</span>
    </a>
  );
}

/** The line under the field: the typed key's unusual shape, else what is saved, else how to paste. */
function keyHint(provider: ProviderView, stored: KeyView | undefined, shapeWarning: boolean, refused: boolean): string {
  // After the provider refused the key (the error above), saving it anyway is no longer on offer.
  if (shapeWarning) {
    const looksLike = getProviderInfo(provider.registryId)?.keyShape.looksLike;
    return `This doesn't look like ${aKey(provider.name)} (they usually ${looksLike}).${refused ? "" : " You can still save it."}`;
  }
  if (stored)
    return stored.apiKey === ""
      ? "Saved without a key. Saving a key replaces that."
      : `A key is saved (${shortMask(stored.apiKey)}). Saving replaces it.`;
  return provider.registryId === "custom"
    ? "Paste the key exactly as the endpoint expects it, or leave the field empty if it needs none."
    : "Paste the key exactly as the provider shows it.";
}

/** Shows or hides the typed key, at the field's end. */
function RevealButton({ reveal, onToggle }: { reveal: boolean; onToggle: () => void }) {
  return (
    <Button
      variant="ghost"
      size="icon"
      className="absolute top-0 right-0 text-muted-foreground"
      aria-label={reveal ? "Hide key" : "Show key"}
      aria-pressed={reveal}
      onClick={onToggle}
    >
      {reveal ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
    </Button>
  );
}

/** The "API Key" password field: where to get a key, show/hide, the field's error, and a hint about its shape. */
export function KeyInput({ provider, stored, inputRef, error, onEdit }: KeyInputProps) {
  const info = getProviderInfo(provider.registryId);
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();
  const [reveal, setReveal] = useState(false);
  const [shapeWarning, setShapeWarning] = useState(false);
  const endpoint = provider.registryId === "custom";
  const hint = keyHint(provider, stored, shapeWarning, error !== null);

  return (
    <div className="space-y-2">
      <div className="flex items-baseline justify-between gap-2">
        <Label htmlFor={inputId}>API Key</Label>
        {info ? <GetKeyLink href={info.keysURL} providerName={provider.name} /> : null}
      </div>
      <div className="relative">
        <Input
          ref={inputRef}
          id={inputId}
          name="apiKey"
          type={reveal ? "text" : "password"}
          placeholder={info?.keyShape.placeholder ?? (endpoint ? "Empty: no key" : "Enter your API key")}
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          data-1p-ignore
          data-lpignore="true"
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(" ")}
          trailing
          className="font-mono"
          onChange={(event) => {
            const value = event.currentTarget.value.trim();
            setShapeWarning(value !== "" && !!info && !info.keyShape.pattern.test(value));
            onEdit(event.currentTarget.value);
          }}
        />
        <RevealButton reveal={reveal} onToggle={() => setReveal((r) => !r)} />
      </div>
      {error ? (
        <p id={errorId} role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <p id={hintId} className="text-xs text-muted-foreground">
        {hint}
      </p>
    </div>
  );
}
