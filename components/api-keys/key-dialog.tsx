"use client";

import { AlertTriangle, CheckCircle2, ExternalLink, Eye, EyeOff, Loader2, XCircle } from "lucide-react";
import { type RefObject, useId, useRef, useState } from "react";
import { toast } from "@/lib/client/toast";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { type ApiFailure, requestJson } from "@/lib/client/api";
import { getProviderInfo } from "@/lib/providers/catalogue";
import type { KeyCheckResult } from "@/lib/providers/key-status";
import { cn } from "@/lib/utils";
import { apiKeyProblem } from "@/lib/validation/key-rules";
import type { KeyView, ProviderView } from "./types";

interface KeyDialogProps {
  provider: ProviderView;
  apiKey: KeyView | undefined;
  /** The card's button, focused again when the dialog closes. */
  returnFocusTo: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
  onSaved: (key: KeyView) => void;
  onDeleted: () => void;
}

// While a request runs, buttons are aria-disabled rather than disabled: a disabled button drops keyboard focus.
type Busy = "save" | "test" | "delete" | null;
type Notice = { tone: "success" | "warning" | "error"; text: string; saveAnyway?: boolean };

const TONE_CLASS: Record<Notice["tone"], string> = {
  success: "border-success/30 bg-success/10 text-success",
  warning: "border-warning/30 bg-warning/10 text-warning",
  error: "border-destructive/30 bg-destructive/10 text-destructive",
};
const TONE_ICON = { success: CheckCircle2, warning: AlertTriangle, error: XCircle };

function toneOf(status: KeyCheckResult["status"]): Notice["tone"] {
  return status === "valid" ? "success" : status === "limited" || status === "unreachable" ? "warning" : "error";
}

/**
 * The key dialog, loaded on demand (it is most of the page's interactive code). The key itself lives only in the
 * password input (read through a ref on submit): no React state, store or cache ever holds it, and it is gone
 * when the dialog closes.
 */
export function KeyDialog({ provider, apiKey, returnFocusTo, onClose, onSaved, onDeleted }: KeyDialogProps) {
  const info = getProviderInfo(provider.registryId);
  const inputId = useId();
  const errorId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [hasInput, setHasInput] = useState(false);
  const [reveal, setReveal] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [shapeWarning, setShapeWarning] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);

  const typedKey = () => inputRef.current?.value ?? "";

  function showFailure(error: ApiFailure) {
    if (error.code === "invalid_api_key" || error.code === "invalid_body") {
      setFieldError(error.fields?.apiKey ?? error.message);
    } else if (error.code === "provider_unreachable") {
      setNotice({ tone: "warning", text: error.message, saveAnyway: true });
    } else {
      setNotice({ tone: "error", text: error.message });
    }
  }

  async function save(skipValidation = false) {
    const value = typedKey();
    const problem = apiKeyProblem(value);
    if (problem) {
      setFieldError(problem);
      inputRef.current?.focus();
      return;
    }
    setBusy("save");
    setFieldError(null);
    setNotice(null);
    const result = await requestJson<KeyView & { validation: { status: string; message: string } | null }>(
      "POST",
      "/api/user/api-keys",
      { providerId: provider.id, apiKey: value.trim(), ...(skipValidation ? { skipValidation: true } : {}) },
    );
    setBusy(null);
    if (!result.ok) {
      showFailure(result.error);
      if (result.error.code === "invalid_api_key") inputRef.current?.focus();
      return;
    }
    const { validation, ...saved } = result.data;
    onSaved(saved);
    toast.success(`${provider.name} API key saved`, {
      description:
        validation?.status === "limited" ? validation.message : skipValidation ? "Saved without a check." : undefined,
    });
    onClose();
  }

  async function test() {
    const value = typedKey();
    if (value !== "") {
      const problem = apiKeyProblem(value);
      if (problem) return setFieldError(problem);
    }
    setBusy("test");
    setFieldError(null);
    setNotice(null);
    const result = await requestJson<KeyCheckResult>("POST", "/api/user/api-keys/test", {
      providerId: provider.id,
      ...(value !== "" ? { apiKey: value.trim() } : {}),
    });
    setBusy(null);
    if (!result.ok) return showFailure(result.error);
    const { status, message } = result.data;
    if (status === "invalid") setFieldError(message);
    else setNotice({ tone: toneOf(status), text: message });
    if (value === "" && apiKey && result.data.valid) {
      onSaved({ ...apiKey, lastValidatedAt: new Date().toISOString() });
    }
  }

  async function remove() {
    setBusy("delete");
    const result = await requestJson("DELETE", "/api/user/api-keys", { providerId: provider.id });
    setBusy(null);
    if (!result.ok) {
      setConfirmOpen(false);
      if (result.error.code === "api_key_not_found") {
        onDeleted();
        onClose();
        return;
      }
      return setNotice({ tone: "error", text: result.error.message });
    }
    setConfirmOpen(false);
    onDeleted();
    toast.success(`${provider.name} API key deleted`);
    onClose();
  }

  const describedBy = [hintId, fieldError ? errorId : null].filter(Boolean).join(" ");
  const NoticeIcon = notice ? TONE_ICON[notice.tone] : null;

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
    <DialogContent
      onOpenAutoFocus={(event) => {
        event.preventDefault();
        inputRef.current?.focus();
      }}
      onCloseAutoFocus={(event) => {
        event.preventDefault();
        returnFocusTo.current?.focus();
      }}
    >
      <DialogHeader>
        <DialogTitle>{provider.name} API Key</DialogTitle>
        <DialogDescription>
          Enter your API key for {provider.name}. It is checked with {provider.name}, encrypted before it is stored, and
          never shown in full again.
        </DialogDescription>
      </DialogHeader>

      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void save();
        }}
      >
        <div className="space-y-2">
          <div className="flex items-baseline justify-between gap-2">
            <Label htmlFor={inputId}>API Key</Label>
            {info ? (
              <a
                href={info.keysURL}
                target="_blank"
                rel="noopener noreferrer"
                className="inline-flex items-center gap-1 text-xs text-primary underline-offset-4 hover:underline"
              >
                Get a key from {provider.name}
                <ExternalLink className="size-3" aria-hidden />
                <span className="sr-only">(opens in a new tab)</span>
              </a>
            ) : null}
          </div>
          <div className="relative">
            <Input
              ref={inputRef}
              id={inputId}
              name="apiKey"
              type={reveal ? "text" : "password"}
              placeholder={info?.keyShape.placeholder ?? "Enter your API key"}
              autoComplete="off"
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              data-1p-ignore
              data-lpignore="true"
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={describedBy}
              trailing
              className="font-mono"
              onChange={(event) => {
                const value = event.currentTarget.value;
                setHasInput(value.trim() !== "");
                setFieldError(null);
                setNotice(null);
                setShapeWarning(value.trim() !== "" && !!info && !info.keyShape.pattern.test(value.trim()));
              }}
            />
            <Button
              variant="ghost"
              size="icon"
              className="absolute top-0 right-0 text-muted-foreground"
              aria-label={reveal ? "Hide key" : "Show key"}
              aria-pressed={reveal}
              onClick={() => setReveal((r) => !r)}
            >
              {reveal ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
            </Button>
          </div>
          {fieldError ? (
            <p id={errorId} role="alert" className="text-sm text-destructive">
              {fieldError}
            </p>
          ) : null}
          <p id={hintId} className="text-xs text-muted-foreground">
            {shapeWarning
              ? `This doesn't look like a ${provider.name} key (they usually look like ${info?.keyShape.placeholder}). You can still save it.`
              : apiKey
                ? `A key is saved (${apiKey.apiKey.length > 24 ? `${apiKey.apiKey.slice(0, 12)}…${apiKey.apiKey.slice(-4)}` : apiKey.apiKey}). Saving replaces it.`
                : "Paste the key exactly as the provider shows it."}
          </p>
        </div>

        {notice && NoticeIcon ? (
          <div role="status" className={cn("flex items-start gap-2 rounded-md border p-3 text-sm", TONE_CLASS[notice.tone])}>
            <NoticeIcon className="mt-0.5 size-4 shrink-0" aria-hidden />
            <div className="space-y-2">
              <p>{notice.text}</p>
              {notice.saveAnyway ? (
                <Button
                  size="sm"
                  variant="outline"
                  aria-disabled={busy !== null || undefined}
                  onClick={() => busy === null && void save(true)}
                >
                  Save anyway
                </Button>
              ) : null}
            </div>
          </div>
        ) : null}

        <DialogFooter spread>
          <div className="flex flex-col gap-2 sm:flex-row">
            <Button
              variant="secondary"
              disabled={!hasInput && !apiKey}
              aria-disabled={busy !== null || undefined}
              onClick={() => busy === null && void test()}
            >
              {busy === "test" ? <Loader2 className="animate-spin" aria-hidden /> : null}
              {busy === "test" ? "Testing..." : hasInput || !apiKey ? "Test key" : "Test saved key"}
            </Button>
            {apiKey ? (
              <AlertDialog open={confirmOpen} onOpenChange={setConfirmOpen}>
                <AlertDialogTrigger asChild>
                  <Button variant="destructive-outline" disabled={busy !== null}>
                    Delete API Key
                  </Button>
                </AlertDialogTrigger>
                <AlertDialogContent>
                  <AlertDialogTitle>Delete your {provider.name} API key?</AlertDialogTitle>
                  <AlertDialogDescription>
                    Requests to {provider.name} will stop working until you add a key again. This cannot be undone.
                  </AlertDialogDescription>
                  <AlertDialogFooter>
                    <AlertDialogCancel disabled={busy === "delete"}>Keep key</AlertDialogCancel>
                    <AlertDialogAction disabled={busy === "delete"} onClick={() => void remove()}>
                      {busy === "delete" ? "Deleting..." : "Delete API Key"}
                    </AlertDialogAction>
                  </AlertDialogFooter>
                </AlertDialogContent>
              </AlertDialog>
            ) : null}
          </div>
          <div className="flex flex-col-reverse gap-2 sm:flex-row">
            <Button variant="outline" onClick={onClose} disabled={busy === "save"}>
              Cancel
            </Button>
            <Button type="submit" disabled={!hasInput} aria-disabled={busy !== null || undefined}>
              {busy === "save" ? <Loader2 className="animate-spin" aria-hidden /> : null}
              {busy === "save" ? "Saving..." : "Save API Key"}
            </Button>
          </div>
        </DialogFooter>
      </form>
    </DialogContent>
    </Dialog>
  );
}
