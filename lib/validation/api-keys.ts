import { z } from "zod";
import { BUDGET_MODES, KEY_HEALTH, MAX_KEYS_PER_PROVIDER } from "@/lib/domain/key-facts";
import { hasAtMostSixDecimals } from "@/lib/domain/money";
import type { KeyStatus } from "@/lib/domain/key-status";
import { apiKeyProblem, expiryProblem, labelProblem, MAX_LABEL_LENGTH } from "./key-rules";
import { rule } from "./rule";

/**
 * The shapes of /api/user/api-keys, requests and answers, in one place: the routes parse with them, the OpenAPI
 * document (lib/openapi) is generated from them, and the settings page and its client code use their types.
 */

/** A pasted key: the same rules the browser applies (key-rules.ts), then surrounding spaces removed. */
export const apiKeyField = z
  .string({ error: "apiKey must be a string." })
  .superRefine(rule(apiKeyProblem))
  .transform((value) => value.trim())
  .meta({ description: "The provider's API key, exactly as the provider shows it. Never returned." });

export const providerIdField = z.guid({ error: "providerId must be a provider id (a uuid)." });

/** A key's label: the same rules the browser applies (key-rules.ts), then surrounding spaces removed. */
export const labelField = z
  .string({ error: "label must be a string." })
  .superRefine(rule(labelProblem))
  .transform((value) => value.trim())
  .meta({
    description: `The user's name for the key, ${MAX_LABEL_LENGTH} characters at most, unique per provider whatever its case.`,
  });

/** An expiry: an ISO date-time with its offset, in the future; null: never. */
export const expiresAtField = z
  .string({ error: "expiresAt must be an ISO 8601 date and time." })
  .superRefine(rule(expiryProblem))
  .transform((value) => new Date(value))
  .nullable()
  .meta({ description: "When the key stops being used (ISO 8601, in the future); null: it does not expire." });

/** `null`: a custom endpoint that needs no key. */
const optionalKey = apiKeyField.nullable().meta({
  description:
    "The provider's API key, exactly as the provider shows it. Never returned. `null` saves (or tests) a custom " +
    "endpoint without a key: its requests then carry no Authorization header. Built-in providers always need one.",
});

export const saveApiKeySchema = z
  .strictObject({
    providerId: providerIdField,
    apiKey: optionalKey,
    skipValidation: z.boolean({ error: "skipValidation must be true or false." }).optional(),
    label: labelField.optional().meta({
      description:
        "Save the key with this label: replaces the key of that label (any case), or adds one last. Without: the primary key.",
    }),
    expiresAt: expiresAtField.optional(),
  })
  .meta({ id: "SaveApiKey" });

export const deleteApiKeySchema = z.strictObject({ providerId: providerIdField }).meta({ id: "DeleteApiKey" });

export const toggleApiKeySchema = z
  .strictObject({
    providerId: providerIdField,
    isEnabled: z.boolean({ error: "isEnabled must be true or false." }),
  })
  .meta({ id: "ToggleApiKey" });

export const keyIdField = z.guid({ error: "id must be a key id (a uuid)." });

export const testApiKeySchema = z
  .strictObject({
    providerId: providerIdField.optional(),
    apiKey: optionalKey.optional(),
    id: keyIdField
      .optional()
      .meta({ description: "Test this stored key (from the list), instead of a provider's primary." }),
  })
  .superRefine((value, context) => {
    if ((value.id === undefined) === (value.providerId === undefined)) {
      context.addIssue({ code: "custom", path: ["id"], message: "Give either id (a stored key) or providerId." });
    } else if (value.id !== undefined && value.apiKey !== undefined) {
      context.addIssue({ code: "custom", path: ["apiKey"], message: "apiKey goes with providerId, not with id." });
    }
  })
  .meta({
    id: "TestApiKey",
    description:
      "`{ id }` tests that stored key; `{ providerId }` the provider's primary; with `apiKey` the key given (`null`: a custom endpoint without one).",
  });

export type TestApiKeyInput = z.infer<typeof testApiKeySchema>;

export const keyParamsSchema = z.strictObject({ id: keyIdField });

/** Money the API takes in dollars (a budget, a price): a number with at most 6 decimals within a range. */
export function dollarsField(name: string, min: number, max: number) {
  return z
    .number({ error: `${name} must be a number of dollars.` })
    .refine((value) => Number.isFinite(value) && value >= min && value <= max, {
      error: `${name} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")} dollars.`,
    })
    .refine(hasAtMostSixDecimals, { error: `${name} can have at most 6 decimals.` });
}

export const budgetInputSchema = z
  .strictObject({
    monthlyUsd: dollarsField("budget.monthlyUsd", 0.01, 1_000_000).meta({
      description: "The monthly budget in dollars (0.01 to 1,000,000).",
    }),
    mode: z.enum(BUDGET_MODES, { error: 'budget.mode must be "hard" or "soft".' }).meta({
      description:
        "`hard`: once the month's spend reaches the budget the key is not used (the next key serves, or 402); `soft`: it only warns.",
    }),
  })
  .nullable()
  .meta({ id: "BudgetInput", description: "A monthly budget (calendar month, UTC); null removes it." });

export type BudgetInput = z.infer<typeof budgetInputSchema>;

export const updateApiKeySchema = z
  .strictObject({
    label: labelField.optional(),
    isEnabled: z.boolean({ error: "isEnabled must be true or false." }).optional(),
    position: z
      .number({ error: "position must be a whole number." })
      .int({ error: "position must be a whole number." })
      .min(0, { error: "position must be 0 (the primary) or more." })
      // The database's column (and its check) hold 0..4: a larger number is refused here, naming the field.
      .max(MAX_KEYS_PER_PROVIDER - 1, {
        error: `position must be at most ${MAX_KEYS_PER_PROVIDER - 1}: a provider holds ${MAX_KEYS_PER_PROVIDER} keys at most.`,
      })
      .optional()
      .meta({ description: "The key's new place: 0 is the primary; at most the number of the provider's keys - 1." }),
    expiresAt: expiresAtField.optional(),
    budget: budgetInputSchema.optional(),
  })
  .refine((value) => Object.values(value).some((v) => v !== undefined), {
    error: "Nothing to change: give label, isEnabled, position, expiresAt or budget.",
  })
  .meta({ id: "UpdateApiKey" });

export type UpdateApiKeyInput = z.infer<typeof updateApiKeySchema>;

export type SaveApiKeyInput = z.infer<typeof saveApiKeySchema>;

export const isoDate = z.iso.datetime();

export const keyHealthSchema = z.enum(KEY_HEALTH).meta({
  id: "KeyHealth",
  description:
    "What the provider last said about the stored key: `ok`, `rejected` (the key no longer works), `limited` " +
    "(real, but throttled, out of credit or missing a permission), `unreachable` (no usable answer), `unchecked`.",
});

const micro = z.number().int().nonnegative();

/** A row's monthly budget as answered (keys, access tokens). */
export const budgetSchema = z
  .object({
    monthlyMicroUsd: micro.meta({
      description: "The budget in micro-dollars (USD × 1,000,000) a calendar month (UTC).",
    }),
    mode: z.enum(BUDGET_MODES),
    spentMicroUsd: micro.meta({ description: "What this month's answers cost so far, in micro-dollars." }),
    resetsAt: isoDate.meta({
      description: "When the month ends and the spend starts again at 0 (00:00 UTC on the 1st).",
    }),
  })
  .nullable()
  .meta({ id: "Budget" });

export type BudgetView = z.infer<typeof budgetSchema>;

/** A stored key as every client sees it: masked, never decrypted to produce. */
export const keyViewSchema = z
  .object({
    id: z.guid(),
    providerId: z.guid(),
    apiKey: z.string().meta({
      description:
        "The masked key: `********` up to 8 characters; else min(4, floor(length / 8)) characters at each end and one * per hidden character. Empty for a custom endpoint saved without a key.",
    }),
    isEnabled: z.boolean(),
    label: z
      .string()
      .meta({ description: 'The user\'s name for the key, unique per provider (any case); the first is "Default".' }),
    position: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "The key's place in the provider's order: 0 is the primary, tried first." }),
    expiresAt: isoDate.nullable().meta({ description: "After this the key is never used; null: it does not expire." }),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastValidatedAt: isoDate.nullable(),
    needsReentry: z.boolean().meta({
      description: "The key that sealed this row has left the server's keyring: the user must enter the key again.",
    }),
    health: keyHealthSchema,
    healthCheckedAt: isoDate.nullable().meta({ description: "When the provider was last asked about this key." }),
    healthMessage: z
      .string()
      .nullable()
      .meta({ description: "Our sentence about that answer; never the provider's words." }),
    lastUsedAt: isoDate.nullable().meta({ description: "When the server last used this key for a request." }),
    budget: budgetSchema,
  })
  .meta({ id: "ApiKey" });

export type KeyView = z.infer<typeof keyViewSchema>;

const count = z.number().int().nonnegative();

export const usageTotalsSchema = z
  .object({
    requests: count,
    inputTokens: count,
    outputTokens: count,
    errors: count,
    costMicroUsd: count.meta({ description: "What the priced answers cost, in micro-dollars (USD × 1,000,000)." }),
  })
  .meta({
    id: "UsageTotals",
    description: "Requests, tokens, failed requests and cost over the last 30 days (UTC days, today included).",
  });

export type UsageTotals = z.infer<typeof usageTotalsSchema>;

/** A row of the listing: the key and its last 30 days of use. */
export const listedKeyViewSchema = keyViewSchema.extend({ usage: usageTotalsSchema }).meta({ id: "ListedApiKey" });

export type ListedKeyView = z.infer<typeof listedKeyViewSchema>;

const keyStatusSchema: z.ZodType<KeyStatus> = z
  .enum(["valid", "invalid", "limited", "unreachable", "undecryptable"])
  .meta({ id: "KeyStatus" });

/** What a provider said about a key. */
export const keyTestResultSchema = z
  .object({
    valid: z
      .boolean()
      .meta({ description: "The key is genuine: `valid`, or `limited` (real, but throttled or out of credit)." }),
    status: keyStatusSchema,
    message: z
      .string()
      .meta({ description: "A sentence for the user; never the key, never the provider's own words." }),
    httpStatus: z.number().int().optional().meta({ description: "The provider's HTTP status, when it answered." }),
  })
  .meta({ id: "KeyTestResult" });

export type KeyTestResult = z.infer<typeof keyTestResultSchema>;

/** The answer to a save: the stored row, and what the provider said (null when the check was skipped). */
export const savedKeyViewSchema = keyViewSchema
  .extend({ validation: keyTestResultSchema.pick({ status: true, message: true }).nullable() })
  .meta({ id: "SavedApiKey" });

export type SavedKeyView = z.infer<typeof savedKeyViewSchema>;

export const deletedSchema = z.object({ success: z.literal(true) }).meta({ id: "Deleted" });
