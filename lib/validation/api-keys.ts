import { z } from "zod";
import { apiKeyProblem } from "./key-rules";

/** A pasted key: the same rules the browser applies (key-rules.ts), then surrounding spaces removed. */
export const apiKeyField = z
  .string({ error: "apiKey must be a string." })
  .superRefine((value, context) => {
    const problem = apiKeyProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => value.trim());

const providerIdField = z.guid({ error: "providerId must be a provider id (a uuid)." });

export const saveApiKeySchema = z.strictObject({
  providerId: providerIdField,
  apiKey: apiKeyField,
  skipValidation: z.boolean({ error: "skipValidation must be true or false." }).optional(),
});

export const deleteApiKeySchema = z.strictObject({ providerId: providerIdField });

export const toggleApiKeySchema = z.strictObject({
  providerId: providerIdField,
  isEnabled: z.boolean({ error: "isEnabled must be true or false." }),
});

export const testApiKeySchema = z.strictObject({ providerId: providerIdField, apiKey: apiKeyField.optional() });

export type SaveApiKeyInput = z.infer<typeof saveApiKeySchema>;
