import { z } from "zod";
import { REGISTRY_IDS } from "@/lib/providers/catalogue";

/** A provider users may add keys for, as the settings page shows it. */
export const providerViewSchema = z
  .object({
    id: z.guid(),
    registryId: z.enum(REGISTRY_IDS),
    name: z.string(),
    description: z.string(),
  })
  .meta({ id: "Provider" });

export type ProviderView = z.infer<typeof providerViewSchema>;

/** A provider as one signed-in user sees it (GET /api/providers). */
export const userProviderSchema = providerViewSchema
  .extend({
    hasApiKey: z.boolean(),
    isEnabled: z.boolean().meta({ description: "The user's key for this provider is enabled (false without a key)." }),
  })
  .meta({ id: "UserProvider" });

export type UserProviderView = z.infer<typeof userProviderSchema>;
