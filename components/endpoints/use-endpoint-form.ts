"use client";

import { useState } from "react";
import { callApi } from "@/lib/client/api";
import { originOf } from "@/lib/client/origin";
import { toast } from "@/lib/client/toast";
import { baseUrlProblem, endpointNameProblem } from "@/lib/validation/endpoint-rules";
import type { EndpointView } from "@/lib/validation/endpoints";

export type Editing = Pick<EndpointView, "id" | "name" | "baseUrl">;
export interface EndpointErrors {
  name: string | null;
  baseUrl: string | null;
  form: string | null;
}

const NO_ERRORS: EndpointErrors = { name: null, baseUrl: null, form: null };

/** Only what changed, for PATCH; the whole endpoint for POST. */
function requestFor(endpoint: Editing | undefined, body: { name: string; baseUrl: string }) {
  if (!endpoint) return callApi("createEndpoint", { body });
  const changes = {
    ...(body.name !== endpoint.name ? { name: body.name } : {}),
    ...(body.baseUrl !== endpoint.baseUrl ? { baseUrl: body.baseUrl } : {}),
  };
  return callApi("updateEndpoint", { path: { id: endpoint.id }, body: changes });
}

/** Where the server's refusal shows: the outbound guard's under the URL, a field's under it, else the form's. */
function placeRefusal(code: string, message: string, fields: Record<string, string> | undefined): EndpointErrors {
  if (code === "endpoint_not_allowed") return { ...NO_ERRORS, baseUrl: message };
  if (code === "invalid_body" && (fields?.name || fields?.baseUrl))
    return { ...NO_ERRORS, name: fields.name ?? null, baseUrl: fields.baseUrl ?? null };
  return { ...NO_ERRORS, form: message };
}

/**
 * The endpoint dialog's fields and requests: checked in the browser for shape, then by the server's outbound guard
 * for where the URL points; saving a new endpoint or the changes to one; deleting it after a confirmation.
 */
export function useEndpointForm(
  endpoint: Editing | undefined,
  done: { onSaved: (endpoint: EndpointView) => void; onDeleted?: () => void; onClose: () => void },
) {
  const [name, setName] = useState(endpoint?.name ?? "");
  const [baseUrl, setBaseUrl] = useState(endpoint?.baseUrl ?? "");
  const [errors, setErrors] = useState<EndpointErrors>(NO_ERRORS);
  const [busy, setBusy] = useState<"save" | "delete" | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const moving =
    endpoint !== undefined && baseUrl.trim() !== "" && originOf(baseUrl.trim()) !== originOf(endpoint.baseUrl);

  async function save() {
    const local = { name: endpointNameProblem(name), baseUrl: baseUrlProblem(baseUrl), form: null };
    setErrors(local);
    if (local.name || local.baseUrl) return;
    setBusy("save");
    const result = await requestFor(endpoint, { name: name.trim(), baseUrl: baseUrl.trim() });
    setBusy(null);
    if (!result.ok) return setErrors(placeRefusal(result.error.code, result.error.message, result.error.fields));
    done.onSaved(result.data);
    toast.success(endpoint ? `${result.data.name} saved` : `${result.data.name} added`);
    done.onClose();
  }

  async function remove() {
    if (!endpoint) return;
    setBusy("delete");
    const result = await callApi("deleteEndpoint", { path: { id: endpoint.id } });
    setBusy(null);
    setConfirmOpen(false);
    if (!result.ok && result.error.code !== "endpoint_not_found")
      return setErrors({ ...NO_ERRORS, form: result.error.message });
    done.onDeleted?.();
    toast.success(`${endpoint.name} deleted`);
    done.onClose();
  }

  return { name, setName, baseUrl, setBaseUrl, errors, busy, confirmOpen, setConfirmOpen, moving, save, remove };
}

export type EndpointForm = ReturnType<typeof useEndpointForm>;
