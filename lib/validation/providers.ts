import { z } from "zod";
import { REGISTRY_IDS } from "@/lib/domain/catalogue";

/**
 * A provider users may add keys for, as the settings page shows it: one of the built-in catalogue, or one of the
 * signed-in user's own custom endpoints (`registryId: "custom"`, with its base URL).
 */
const common = { id: z.guid(), name: z.string(), description: z.string() };
const builtIn = { ...common, registryId: z.enum(REGISTRY_IDS) };
const endpoint = {
  ...common,
  registryId: z.literal("custom"),
  baseUrl: z.string().meta({ description: "The custom endpoint's base URL (OpenAI-compatible)." }),
};

export const providerViewSchema = z
  .discriminatedUnion("registryId", [z.object(builtIn), z.object(endpoint)])
  .meta({ id: "Provider" });

export type ProviderView = z.infer<typeof providerViewSchema>;

const keyState = {
  hasApiKey: z.boolean(),
  isEnabled: z
    .boolean()
    .meta({ description: "The user's primary key for this provider is enabled (false without a key)." }),
  fallback: z.boolean().meta({
    description:
      'When a key is rejected, limited or unreachable, the next key is tried; false: "Always use my first key".',
  }),
};

/** PATCH /api/providers/<id>/settings. */
export const providerSettingsSchema = z
  .strictObject({ fallback: z.boolean({ error: "fallback must be true or false." }) })
  .meta({ id: "ProviderSettings" });

export const providerSettingsViewSchema = z
  .object({ providerId: z.guid(), fallback: z.boolean() })
  .meta({ id: "ProviderSettingsView" });

export const providerParamsSchema = z.strictObject({ id: z.guid() });

/** A provider as one signed-in user sees it (GET /api/providers). */
export const userProviderSchema = z
  .discriminatedUnion("registryId", [z.object({ ...builtIn, ...keyState }), z.object({ ...endpoint, ...keyState })])
  .meta({ id: "UserProvider" });
