import { z } from "zod";
import { deletedSchema } from "@/lib/validation/api-keys";
import {
  createEndpointSchema,
  endpointParamsSchema,
  endpointViewSchema,
  updateEndpointSchema,
} from "@/lib/validation/endpoints";
import {
  providerParamsSchema,
  providerSettingsSchema,
  providerSettingsViewSchema,
  userProviderSchema,
} from "@/lib/validation/providers";
import { keyManagementFlag, operation } from "./operation";

const endpoints = "/api/user/endpoints";

/** The providers as the user sees them, their settings, and the user's custom endpoints. */
export const providerOperations = {
  listProviders: operation({
    method: "get",
    path: "/api/providers",
    summary: "The providers, and whether the signed-in user has a key for each",
    signedIn: true,
    // One statement: the query checks the session itself (lib/db/providers.ts).
    sessionCheckedByHandler: true,
    status: 200,
    response: z.array(userProviderSchema),
    errors: [],
  }),
  setProviderSettings: operation({
    method: "patch",
    path: "/api/providers/{id}/settings",
    params: providerParamsSchema,
    summary: 'A provider\'s settings for the signed-in user: `fallback` false is "Always use my first key"',
    signedIn: true,
    flag: keyManagementFlag,
    body: providerSettingsSchema,
    status: 200,
    response: providerSettingsViewSchema,
    errors: ["provider_not_found"],
  }),
  listEndpoints: operation({
    method: "get",
    path: endpoints,
    summary: "The signed-in user's custom endpoints (OpenAI-compatible), oldest first",
    signedIn: true,
    flag: keyManagementFlag,
    status: 200,
    response: z.array(endpointViewSchema),
    errors: [],
  }),
  createEndpoint: operation({
    method: "post",
    path: endpoints,
    summary: "Add a custom endpoint (at most 10); its key is saved with the key routes (providerId = its id)",
    signedIn: true,
    flag: keyManagementFlag,
    body: createEndpointSchema,
    status: 201,
    response: endpointViewSchema,
    errors: ["endpoint_not_allowed", "endpoint_limit_reached"],
  }),
  updateEndpoint: operation({
    method: "patch",
    path: `${endpoints}/{id}`,
    params: endpointParamsSchema,
    summary: "Rename or move a custom endpoint (a move to another origin removes its saved key)",
    signedIn: true,
    flag: keyManagementFlag,
    body: updateEndpointSchema,
    status: 200,
    response: endpointViewSchema,
    errors: ["endpoint_not_allowed", "endpoint_not_found"],
  }),
  deleteEndpoint: operation({
    method: "delete",
    path: `${endpoints}/{id}`,
    params: endpointParamsSchema,
    summary: "Delete a custom endpoint and its saved key",
    signedIn: true,
    flag: keyManagementFlag,
    status: 200,
    response: deletedSchema,
    errors: ["endpoint_not_found"],
  }),
} as const;
