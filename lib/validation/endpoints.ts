import { z } from "zod";
import { baseUrlProblem, endpointNameProblem } from "./endpoint-rules";
import { rule } from "./rule";

/**
 * The shapes of /api/user/endpoints, requests and answers: the routes parse with them, the OpenAPI document is
 * generated from them, the settings page uses their types. Whether a base URL may be reached is not a matter
 * of shape: the outbound guard answers that (400 endpoint_not_allowed, with the reason).
 */

const nameField = z
  .string({ error: "name must be a string." })
  .superRefine(rule(endpointNameProblem))
  .transform((value) => value.trim())
  .meta({ description: "What the settings page calls the endpoint: 1 to 40 characters." });

const baseUrlField = z
  .string({ error: "baseUrl must be a string." })
  .superRefine(rule(baseUrlProblem))
  .transform((value) => value.trim())
  .meta({
    description:
      "Where the OpenAI-compatible API lives, e.g. `https://api.example.com/v1` (`/models` and `/chat/completions` are " +
      "appended). https only; http only for hosts the server's ALLOWED_ENDPOINT_HOSTS lists; no user-info, query or fragment.",
  });

export const createEndpointSchema = z
  .strictObject({ name: nameField, baseUrl: baseUrlField })
  .meta({ id: "CreateEndpoint" });

export const updateEndpointSchema = z
  .strictObject({ name: nameField.optional(), baseUrl: baseUrlField.optional() })
  .refine((body) => body.name !== undefined || body.baseUrl !== undefined, {
    message: "Send a name, a baseUrl or both.",
  })
  .meta({
    id: "UpdateEndpoint",
    description:
      "Moving the endpoint to another origin (scheme, host or port) removes its saved key in the same statement.",
  });

export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

export const endpointViewSchema = z
  .object({
    id: z.guid(),
    name: z.string(),
    slug: z.string().meta({
      description:
        "The endpoint's name on the gateway (`<slug>/<model>`): the name in lower case, other characters as `-`, unique per user.",
    }),
    baseUrl: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Endpoint" });

export type EndpointView = z.infer<typeof endpointViewSchema>;

export const endpointParamsSchema = z.object({ id: z.string().meta({ description: "The endpoint's id (a uuid)." }) });
