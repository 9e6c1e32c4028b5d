import { z } from "zod";

// Control characters (NUL, CR, LF, TAB, DEL…) never belong in a key; they are how header injection starts.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A pasted key: surrounding spaces removed; blank, control characters or an absurd length refused. */
export const apiKeyField = z
  .string({ error: "apiKey must be a string." })
  .refine((v) => !CONTROL.test(v), { error: "The key contains control characters (such as a line break). Paste it again." })
  .transform((v) => v.trim())
  .refine((v) => v.length > 0, { error: "Enter an API key." })
  .refine((v) => v.length <= 1024, { error: "That is too long to be an API key (1024 characters at most)." });

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
