"use client";

import { Pencil, Plus } from "lucide-react";
import { lazy, Suspense, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { MAX_ENDPOINTS_PER_USER } from "@/lib/validation/endpoint-limit";
import type { EndpointView } from "@/lib/validation/endpoints";

// Like the key dialog, the endpoint dialog loads when first wanted, starting on hover or focus.
const loadDialog = () => import("./endpoint-dialog");
const EndpointDialog = lazy(() => loadDialog().then((m) => ({ default: m.EndpointDialog })));
const preload = { onPointerEnter: () => void loadDialog(), onFocus: () => void loadDialog() };

/** The "Add endpoint" card: opens the dialog; a saved endpoint becomes a card of its own (with its key dialog open). */
export function AddEndpointCard({ count, onAdded }: { count: number; onAdded: (endpoint: EndpointView) => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const full = count >= MAX_ENDPOINTS_PER_USER;
  return (
    <Card role="group" aria-labelledby="add-endpoint-title" className="border-dashed">
      <CardHeader>
        <CardTitle id="add-endpoint-title">Add endpoint</CardTitle>
        <CardDescription>
          {full
            ? `You have ${MAX_ENDPOINTS_PER_USER} endpoints, the most there can be. Delete one to add another.`
            : "A self-hosted model (Ollama, vLLM, LM Studio), a regional deployment or a gateway that speaks OpenAI's API."}
        </CardDescription>
      </CardHeader>
      <CardFooter className="justify-end">
        <Button
          ref={button}
          variant="outline"
          size="sm"
          aria-haspopup="dialog"
          aria-expanded={open}
          disabled={full}
          {...preload}
          onClick={() => setOpen(true)}
        >
          <Plus aria-hidden />
          Add endpoint
        </Button>
        {open ? (
          <Suspense fallback={null}>
            <EndpointDialog returnFocusTo={button} onClose={() => setOpen(false)} onSaved={onAdded} />
          </Suspense>
        ) : null}
      </CardFooter>
    </Card>
  );
}

/** A custom endpoint card's "Edit": rename, move or delete it (focus then goes to `fallbackFocusId`). */
export function EditEndpointButton(props: {
  endpoint: Pick<EndpointView, "id" | "name" | "baseUrl">;
  fallbackFocusId: string;
  onSaved: (endpoint: EndpointView) => void;
  onDeleted: () => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <Button
        ref={button}
        variant="ghost"
        size="sm"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={`Edit ${props.endpoint.name}`}
        {...preload}
        onClick={() => setOpen(true)}
      >
        <Pencil aria-hidden />
        Edit
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <EndpointDialog {...props} returnFocusTo={button} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
