import { z } from "zod";
import { MAX_ACCESS_TOKENS_PER_USER } from "@/lib/domain/key-facts";
import { budgetInputSchema, budgetSchema, expiresAtField, isoDate, providerIdField } from "./api-keys";
import { nameProblem } from "./label-rules";
import { rule } from "./rule";

/** The shapes of /api/user/tokens: the gateway's personal access tokens (CONTRACT-WAVE3 "Gateway"). */

export const MAX_TOKEN_NAME_LENGTH = 60;

const TOKEN_NAME_MESSAGES = {
  blank: "Enter a name for the token.",
  tooLong: `Use at most ${MAX_TOKEN_NAME_LENGTH} characters.`,
  control: "The name contains control characters (such as a line break).",
};

const nameField = z
  .string({ error: "name must be text." })
  .superRefine(rule((value) => nameProblem(value, MAX_TOKEN_NAME_LENGTH, TOKEN_NAME_MESSAGES)))
  .transform((value) => value.trim())
  .meta({ description: `The user's name for the token (where it is used), 1-${MAX_TOKEN_NAME_LENGTH} characters.` });

const providerIdsField = z
  .array(providerIdField, { error: "providerIds must be a list of provider ids." })
  .min(1, { error: "providerIds must name at least one provider; omit it (or send null) for every provider." })
  .max(100, { error: "providerIds may name at most 100 providers." })
  .transform((ids) => [...new Set(ids)])
  .nullable()
  .meta({
    description:
      "The providers the token may use (ids from GET /api/providers); null or omitted: every provider of the user.",
  });

export const createTokenSchema = z
  .strictObject({
    name: nameField,
    expiresAt: expiresAtField.optional(),
    providerIds: providerIdsField.optional(),
    budget: budgetInputSchema.optional(),
  })
  .meta({ id: "CreateAccessToken" });

export const updateTokenSchema = z
  .strictObject({
    name: nameField.optional(),
    expiresAt: expiresAtField.optional(),
    providerIds: providerIdsField.optional(),
    budget: budgetInputSchema.optional(),
  })
  .refine((value) => Object.values(value).some((v) => v !== undefined), {
    error: "Nothing to change: give name, expiresAt, providerIds or budget.",
  })
  .meta({ id: "UpdateAccessToken" });

export type CreateTokenInput = z.infer<typeof createTokenSchema>;
export type UpdateTokenInput = z.infer<typeof updateTokenSchema>;

export const tokenParamsSchema = z.strictObject({ id: z.guid({ error: "id must be a token id (a uuid)." }) });

const count = z.number().int().nonnegative();

const tokenFields = {
  id: z.guid(),
  name: z.string(),
  prefix: z
    .string()
    .meta({ description: "The token's first characters, to tell tokens apart; never enough to use it." }),
  providerIds: z.array(z.guid()).nullable().meta({ description: "The providers it may use; null: every provider." }),
  expiresAt: isoDate.nullable(),
  budget: budgetSchema,
  createdAt: isoDate,
};

export const createdTokenSchema = z
  .object({
    ...tokenFields,
    token: z
      .string()
      .meta({ description: "The token (`kr_` + 43 characters). Shown in this answer only: it is stored as a hash." }),
  })
  .meta({ id: "CreatedAccessToken" });

export const tokenViewSchema = z
  .object({
    ...tokenFields,
    lastUsedAt: isoDate.nullable(),
    usage: z
      .object({ requests: count, inputTokens: count, outputTokens: count, costMicroUsd: count })
      .meta({ description: "Over the last 30 days (UTC)." }),
  })
  .meta({ id: "AccessToken" });

export type CreatedTokenView = z.infer<typeof createdTokenSchema>;
export type TokenView = z.infer<typeof tokenViewSchema>;

export { MAX_ACCESS_TOKENS_PER_USER };
