"use client";

import { type RefObject, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { KeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { DeleteKeyConfirm } from "./delete-key-confirm";
import { KeyInput } from "./key-input";
import { KeyResultNotice } from "./key-result-notice";
import { useKeyActions } from "./use-key-actions";

interface KeyDialogProps {
  provider: ProviderView;
  apiKey: KeyView | undefined;
  /** The card's button, focused again when the dialog closes. */
  returnFocusTo: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
  onSaved: (key: KeyView) => void;
  onDeleted: () => void;
  /** The stored key was tested: its health may have changed. */
  onTested: () => void;
  /** The provider has other keys: this dialog is about the primary, and deletes only it. */
  deleteOne?: boolean;
}

/**
 * The "<Provider> API Key" dialog, loaded on demand (it is most of the page's interactive code). The key itself
 * lives only in the password input (read through a ref when a request starts): no React state, store or cache
 * ever holds it, and it is gone when the dialog closes.
 */
export function KeyDialog({ provider, apiKey, returnFocusTo, onClose, onSaved, onDeleted, onTested, deleteOne }: KeyDialogProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [hasInput, setHasInput] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const focusInput = () => inputRef.current?.focus();
  const actions = useKeyActions({ provider, apiKey, onSaved, onDeleted, onTested, onClose, focusInput, deleteOne });
  const { busy, notice, keyOptional } = actions;
  const testLabel = hasInput ? "Test key" : apiKey ? "Test saved key" : keyOptional ? "Test without a key" : "Test key";
  const typedKey = () => inputRef.current?.value ?? "";

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        onOpenAutoFocus={(event) => {
          event.preventDefault();
          focusInput();
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          returnFocusTo.current?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>{provider.name} API Key</DialogTitle>
          <DialogDescription>
            {keyOptional
              ? `Enter the key ${provider.name} expects, or leave the field empty if it needs none. It is checked with the endpoint, encrypted before it is stored, and never shown in full again.`
              : `Enter your API key for ${provider.name}. It is checked with ${provider.name}, encrypted before it is stored, and never shown in full again.`}
          </DialogDescription>
        </DialogHeader>

        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void actions.save(typedKey());
          }}
        >
          <KeyInput
            provider={provider}
            stored={apiKey}
            inputRef={inputRef}
            error={actions.fieldError}
            onEdit={(value) => {
              setHasInput(value.trim() !== "");
              actions.clearMessages();
            }}
          />

          {notice ? (
            <KeyResultNotice notice={notice} waiting={busy !== null} onSaveAnyway={() => void actions.save(typedKey(), true)} />
          ) : null}

          <DialogFooter spread>
            <div className="flex flex-col gap-2 sm:flex-row">
              <Button
                variant="secondary"
                disabled={!hasInput && !apiKey && !keyOptional}
                waiting={busy !== null}
                busy={busy === "test"}
                onClick={() => void actions.test(typedKey())}
              >
                {busy === "test" ? "Testing..." : testLabel}
              </Button>
              {apiKey ? (
                <DeleteKeyConfirm
                  providerName={provider.name}
                  open={confirmOpen}
                  onOpenChange={setConfirmOpen}
                  waiting={busy !== null}
                  deleting={busy === "delete"}
                  onConfirm={() => void actions.remove().then(() => setConfirmOpen(false))}
                />
              ) : null}
            </div>
            <div className="flex flex-col-reverse gap-2 sm:flex-row">
              <Button variant="outline" onClick={onClose} waiting={busy === "save"}>
                Cancel
              </Button>
              <Button type="submit" disabled={!hasInput && !keyOptional} waiting={busy !== null} busy={busy === "save"}>
                {busy === "save" ? "Saving..." : "Save API Key"}
              </Button>
            </div>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
