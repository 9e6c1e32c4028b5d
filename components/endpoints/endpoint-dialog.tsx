"use client";

import { type ReactNode, type RefObject, useId } from "react";
import { Button } from "@/components/ui/button";
import { DeleteConfirm } from "@/components/ui/delete-confirm";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MAX_ENDPOINT_NAME_LENGTH } from "@/lib/validation/endpoint-rules";
import type { EndpointView } from "@/lib/validation/endpoints";
import { type Editing, type EndpointForm, useEndpointForm } from "./use-endpoint-form";

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

/**
 * "Add endpoint" and "Edit endpoint": a name and a base URL, checked in the browser for shape and by the server's
 * outbound guard for where it points (its refusal shows under the URL). Editing also offers "Delete endpoint".
 */
export function EndpointDialog({
  endpoint,
  returnFocusTo,
  fallbackFocusId,
  onClose,
  onSaved,
  onDeleted,
}: EndpointDialogProps) {
  const form = useEndpointForm(endpoint, { onSaved, onDeleted, onClose });
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
            Your own OpenAI-compatible server (Ollama, vLLM, LM Studio) or gateway. Only you see it; its key is saved
            next.
          </DialogDescription>
        </DialogHeader>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!form.busy) void form.save();
          }}
        >
          <EndpointFields form={form} />
          {form.errors.form ? (
            <p
              role="status"
              className="rounded-md border border-destructive/30 bg-destructive/10 p-3 text-sm text-destructive"
            >
              {form.errors.form}
            </p>
          ) : null}
          <EndpointButtons endpoint={endpoint} form={form} onClose={onClose} />
        </form>
      </DialogContent>
    </Dialog>
  );
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

const describedBy = (id: string, error: string | null) => `${id}-hint${error ? ` ${id}-error` : ""}`;

function EndpointFields({ form }: { form: EndpointForm }) {
  const { errors } = form;
  const ids = { name: useId(), url: useId() };
  const urlHint = form.moving
    ? "This moves the endpoint to another address: its saved key, if any, is removed (a key is only sent where it was saved)."
    : "The OpenAI-compatible API's root; /models and /chat/completions are added to it. https only, unless the server allows the host.";
  return (
    <>
      <Field
        id={ids.name}
        label="Name"
        hint={`What this page calls it, up to ${MAX_ENDPOINT_NAME_LENGTH} characters.`}
        error={errors.name}
        input={
          <Input
            id={ids.name}
            value={form.name}
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={describedBy(ids.name, errors.name)}
            onChange={(event) => form.setName(event.currentTarget.value)}
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
            value={form.baseUrl}
            type="url"
            inputMode="url"
            placeholder="https://api.example.com/v1"
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            aria-invalid={errors.baseUrl ? true : undefined}
            aria-describedby={describedBy(ids.url, errors.baseUrl)}
            onChange={(event) => form.setBaseUrl(event.currentTarget.value)}
          />
        }
      />
    </>
  );
}

function EndpointButtons({
  endpoint,
  form,
  onClose,
}: {
  endpoint: Editing | undefined;
  form: EndpointForm;
  onClose: () => void;
}) {
  const { busy } = form;
  return (
    <DialogFooter spread>
      <div>
        {endpoint ? (
          <DeleteConfirm
            label="Delete endpoint"
            title={`Delete ${endpoint.name}?`}
            description="Its saved key goes with it. This cannot be undone."
            keepLabel="Keep endpoint"
            open={form.confirmOpen}
            onOpenChange={form.setConfirmOpen}
            waiting={busy !== null}
            deleting={busy === "delete"}
            onConfirm={() => void form.remove()}
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
  );
}
