"use client";

import type { RefObject } from "react";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ProviderView } from "@/lib/validation/providers";
import { KeyForm, type KeyDialogMode } from "./key-form";

export type { KeyDialogMode };
import type { KeyChanges } from "./use-key-changes";

/** The first key of a provider, another one (with a label and an expiry), or a stored key replaced. */

interface KeyDialogProps {
  provider: ProviderView;
  mode: KeyDialogMode;
  /** The labels the provider's keys have: a new key needs another one. */
  taken: string[];
  /** The button the dialog came from, focused again when it closes (when it is still there). */
  returnFocusTo: RefObject<HTMLElement | null>;
  changes: KeyChanges;
  onClose: () => void;
}

function describe(provider: ProviderView, mode: KeyDialogMode, several: boolean): string {
  const { name } = provider;
  if (mode.kind === "add") {
    return `It is checked with ${name}, encrypted before it is stored, and used after your other keys: when one is rejected, limited or unreachable, the next is tried.`;
  }
  const which = mode.kind === "replace" && several ? `This replaces the key “${mode.key.label}”. ` : "";
  const ask =
    provider.registryId === "custom"
      ? `Enter the key ${name} expects, or leave the field empty if it needs none. It is checked with the endpoint`
      : `Enter your API key for ${name}. It is checked with ${name}`;
  return `${which}${ask}, encrypted before it is stored, and never shown in full again.`;
}

/**
 * The "<Provider> API Key" dialog, loaded on demand (it is most of the page's interactive code), the same for a
 * provider's first key, another key ("Add another <Provider> key", with a label and an optional expiry) and a
 * stored key replaced. The key itself lives only in the password input (read through a ref when a request
 * starts): no React state, store or cache ever holds it, and it is gone when the dialog closes.
 */
export function KeyDialog({ provider, mode, taken, returnFocusTo, changes, onClose }: KeyDialogProps) {
  const several = taken.length > 1;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          (event.currentTarget as HTMLElement).querySelector("input")?.focus();
        }}
        onCloseAutoFocus={(event) => {
          if (!returnFocusTo.current?.isConnected) return;
          event.preventDefault();
          returnFocusTo.current.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>
            {mode.kind === "add" ? `Add another ${provider.name} key` : `${provider.name} API Key`}
          </DialogTitle>
          <DialogDescription>{describe(provider, mode, several)}</DialogDescription>
        </DialogHeader>
        <KeyForm provider={provider} mode={mode} taken={taken} changes={changes} onClose={onClose} />
      </DialogContent>
    </Dialog>
  );
}
