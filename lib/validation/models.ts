import { z } from "zod";
import { isoDate, keyIdField, providerIdField } from "./api-keys";

/** GET /api/user/api-keys/models: the models the user's stored key can reach at its provider. */

export const modelsQuerySchema = z.strictObject({
  providerId: providerIdField.meta({
    description: "The provider whose stored key is used (a uuid from GET /api/providers).",
  }),
  id: keyIdField.optional().meta({
    description:
      "One key of the provider's, by its id: its models only. Without it, the first usable key's (then the next).",
  }),
});

export const modelSchema = z
  .object({
    id: z.string().meta({ description: "The model id as the provider names it in requests." }),
    name: z.string().meta({ description: "The provider's display name, or the id when it gives none." }),
  })
  .meta({ id: "Model" });

export const modelListSchema = z
  .object({
    providerId: z.guid(),
    models: z.array(modelSchema),
    fetchedAt: isoDate.meta({ description: "When the provider was asked (answers are cached up to 10 minutes)." }),
    servedBy: z
      .object({
        id: z.guid(),
        label: z.string(),
        apiKey: z.string().meta({ description: "The mask of the key that was used." }),
      })
      .meta({
        description:
          "The key that answered: the first usable one, or the next when it was rejected, limited or unreachable.",
      }),
  })
  .meta({ id: "ModelList" });

export type ModelListView = z.infer<typeof modelListSchema>;
