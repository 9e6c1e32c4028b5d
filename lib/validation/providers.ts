import { z } from "zod";
import { REGISTRY_IDS } from "@/lib/providers/catalogue";

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
  isEnabled: z.boolean().meta({ description: "The user's key for this provider is enabled (false without a key)." }),
};

/** A provider as one signed-in user sees it (GET /api/providers). */
export const userProviderSchema = z
  .discriminatedUnion("registryId", [z.object({ ...builtIn, ...keyState }), z.object({ ...endpoint, ...keyState })])
  .meta({ id: "UserProvider" });

export type UserProviderView = z.infer<typeof userProviderSchema>;
