"use client";

import { type ReactNode, type RefObject, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { DeleteConfirm } from "@/components/ui/delete-confirm";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { requestJson } from "@/lib/client/api";
import { originOf } from "@/lib/client/origin";
import { toast } from "@/lib/client/toast";
import { baseUrlProblem, endpointNameProblem, MAX_ENDPOINT_NAME_LENGTH } from "@/lib/validation/endpoint-rules";
import type { EndpointView } from "@/lib/validation/endpoints";

type Editing = Pick<EndpointView, "id" | "name" | "baseUrl">;

interface EndpointDialogProps {
  /** Absent: a new endpoint. */
  endpoint?: Editing;
  returnFocusTo: RefObject<HTMLButtonElement | null>;
  /** Where focus goes when the button it came from is gone (the endpoint was deleted): an element's id. */
  fallbackFocusId?: string;
  onClose: () => void;
  onSaved: (endpoint: EndpointView) => void;
  onDeleted?: () => void;
}

function Field(props: { id: string; label: string; hint: string; error: string | null; input: ReactNode }) {
  return (
    <div className="space-y-2">
      <Label htmlFor={props.id}>{props.label}</Label>
      {props.input}
      {props.error ? (
        <p id={`${props.id}-error`} role="alert" className="text-sm text-destructive">
          {props.error}
        </p>
      ) : null}
      <p id={`${props.id}-hint`} className="text-xs text-muted-foreground">
        {props.hint}
      </p>
    </div>
  );
}

/**
 * "Add endpoint" and "Edit endpoint": a name and a base URL, checked in the browser for shape and by the server's
 * outbound guard for where it points (its refusal shows under the URL). Editing also offers "Delete endpoint".
 */
export function EndpointDialog({ endpoint, returnFocusTo, fallbackFocusId, onClose, onSaved, onDeleted }: EndpointDialogProps) {
  const ids = { name: useId(), url: useId() };
  const [name, setName] = useState(endpoint?.name ?? "");
  const [baseUrl, setBaseUrl] = useState(endpoint?.baseUrl ?? "");
  const [errors, setErrors] = useState<{ name: string | null; baseUrl: string | null; form: string | null }>({ name: null, baseUrl: null, form: null });
  const [busy, setBusy] = useState<"save" | "delete" | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const moving = endpoint !== undefined && baseUrl.trim() !== "" && originOf(baseUrl.trim()) !== originOf(endpoint.baseUrl);

  async function save() {
    const local = { name: endpointNameProblem(name), baseUrl: baseUrlProblem(baseUrl), form: null };
    setErrors(local);
    if (local.name || local.baseUrl) return;
    const body = { name: name.trim(), baseUrl: baseUrl.trim() };
    setBusy("save");
    const result = endpoint
      ? await requestJson<EndpointView>("PATCH", `/api/user/endpoints/${endpoint.id}`, {
          ...(body.name !== endpoint.name ? { name: body.name } : {}),
          ...(body.baseUrl !== endpoint.baseUrl ? { baseUrl: body.baseUrl } : {}),
        })
      : await requestJson<EndpointView>("POST", "/api/user/endpoints", body);
    setBusy(null);
    if (!result.ok) {
      const { code, message, fields } = result.error;
      if (code === "endpoint_not_allowed") return setErrors({ name: null, baseUrl: message, form: null });
      if (code === "invalid_body" && (fields?.name || fields?.baseUrl)) {
        return setErrors({ name: fields.name ?? null, baseUrl: fields.baseUrl ?? null, form: null });
      }
      return setErrors({ name: null, baseUrl: null, form: message });
    }
    onSaved(result.data);
    toast.success(endpoint ? `${result.data.name} saved` : `${result.data.name} added`);
    onClose();
  }

  async function remove() {
    if (!endpoint) return;
    setBusy("delete");
    const result = await requestJson("DELETE", `/api/user/endpoints/${endpoint.id}`);
    setBusy(null);
    setConfirmOpen(false);
    if (!result.ok && result.error.code !== "endpoint_not_found") return setErrors({ name: null, baseUrl: null, form: result.error.message });
    onDeleted?.();
    toast.success(`${endpoint.name} deleted`);
    onClose();
  }

  const urlHint = moving
    ? "This moves the endpoint to another address: its saved key, if any, is removed (a key is only sent where it was saved)."
    : "The OpenAI-compatible API's root; /models and /chat/completions are added to it. https only, unless the server allows the host.";

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          const trigger = returnFocusTo.current;
          if (trigger?.isConnected) trigger.focus();
          else if (fallbackFocusId) document.getElementById(fallbackFocusId)?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>{endpoint ? `Edit ${endpoint.name}` : "Add endpoint"}</DialogTitle>
          <DialogDescription>
            Your own OpenAI-compatible server (Ollama, vLLM, LM Studio) or gateway. Only you see it; its key is saved next.
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void save();
          }}
        >
          <Field
            id={ids.name}
            label="Name"
            hint={`What this page calls it, up to ${MAX_ENDPOINT_NAME_LENGTH} characters.`}
            error={errors.name}
            input={
              <Input
                id={ids.name}
                value={name}
                autoComplete="off"
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={`${ids.name}-hint${errors.name ? ` ${ids.name}-error` : ""}`}
                onChange={(event) => setName(event.currentTarget.value)}
              />
            }
          />
          <Field
            id={ids.url}
            label="Base URL"
            hint={urlHint}
            error={errors.baseUrl}
            input={
              <Input
                id={ids.url}
                value={baseUrl}
                type="url"
                inputMode="url"
                placeholder="https://api.example.com/v1"
                autoComplete="off"
                spellCheck={false}
                className="font-mono"
                aria-invalid={errors.baseUrl ? true : undefined}
                aria-describedby={`${ids.url}-hint${errors.baseUrl ? ` ${ids.url}-error` : ""}`}
                onChange={(event) => setBaseUrl(event.currentTarget.value)}
              />
            }
          />
          {errors.form ? (
            <p role="status" className="rounded-md border border-destructive/30 bg-destructive/10 p-3 text-sm text-destructive">
              {errors.form}
            </p>
          ) : null}
          <DialogFooter spread>
            <div>
              {endpoint ? (
                <DeleteConfirm
                  label="Delete endpoint"
                  title={`Delete ${endpoint.name}?`}
                  description="Its saved key goes with it. This cannot be undone."
                  keepLabel="Keep endpoint"
                  open={confirmOpen}
                  onOpenChange={setConfirmOpen}
                  waiting={busy !== null}
                  deleting={busy === "delete"}
                  onConfirm={() => void remove()}
                />
              ) : null}
            </div>
            <div className="flex flex-col-reverse gap-2 sm:flex-row">
              <Button variant="outline" onClick={onClose} waiting={busy !== null}>
                Cancel
              </Button>
              <Button type="submit" waiting={busy !== null} busy={busy === "save"}>
                {busy === "save" ? "Saving..." : endpoint ? "Save changes" : "Add endpoint"}
              </Button>
            </div>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
