import "server-only";
import { createEndpoint, deleteEndpoint, type EndpointRecord, listEndpoints, updateEndpoint } from "@/lib/db/endpoints";
import { AppError } from "@/lib/errors";
import { checkBaseUrl } from "@/lib/net/outbound";
import type { CreateEndpointInput, EndpointView, UpdateEndpointInput } from "@/lib/validation/endpoints";

/**
 * A user's custom endpoints as the REST API handles them: a base URL is judged by the outbound guard's URL rules
 * (400 endpoint_not_allowed, with the reason) before anything is stored; the addresses a name resolves to are
 * judged on every request instead (lib/net/outbound.ts).
 */

const notFound = () => new AppError("endpoint_not_found", "You have no such endpoint.");

export function toEndpointView(record: EndpointRecord): EndpointView {
  return {
    id: record.id,
    name: record.name,
    slug: record.slug,
    baseUrl: record.baseUrl,
    createdAt: record.createdAt.toISOString(),
  };
}

export async function listUserEndpoints(userId: string): Promise<EndpointView[]> {
  return (await listEndpoints(userId)).map(toEndpointView);
}

export async function addUserEndpoint(userId: string, input: CreateEndpointInput): Promise<EndpointView> {
  return toEndpointView(await createEndpoint(userId, { name: input.name, baseUrl: checkBaseUrl(input.baseUrl) }));
}

export async function changeUserEndpoint(
  userId: string,
  endpointId: string,
  input: UpdateEndpointInput,
): Promise<EndpointView> {
  const changes = { name: input.name, baseUrl: input.baseUrl === undefined ? undefined : checkBaseUrl(input.baseUrl) };
  const row = await updateEndpoint(userId, endpointId, changes);
  if (!row) throw notFound();
  return toEndpointView(row);
}

export async function removeUserEndpoint(userId: string, endpointId: string): Promise<{ success: true }> {
  if (!(await deleteEndpoint(userId, endpointId))) throw notFound();
  return { success: true };
}
