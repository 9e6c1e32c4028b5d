import { z } from "zod";
import { CONTROL_CHARACTERS, KEY_MESSAGES, MAX_API_KEY_LENGTH } from "./key-rules";

/** A pasted key: surrounding spaces removed; blank, control characters or an absurd length refused. */
export const apiKeyField = z
  .string({ error: "apiKey must be a string." })
  .refine((v) => !CONTROL_CHARACTERS.test(v), { error: KEY_MESSAGES.control })
  .transform((v) => v.trim())
  .refine((v) => v.length > 0, { error: KEY_MESSAGES.blank })
  .refine((v) => v.length <= MAX_API_KEY_LENGTH, { error: KEY_MESSAGES.tooLong });

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
