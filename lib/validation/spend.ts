import { z } from "zod";
import { dollarsField, isoDate, keyIdField, providerIdField } from "./api-keys";
import { modelIdField } from "@/lib/domain/model-id";

/**
 * The shapes of spend: model prices (GET/PUT/DELETE /api/user/prices), the usage report (GET /api/user/usage), a
 * key's balance at its provider (GET /api/user/api-keys/<id>/balance). Money answered as a number of dollars where
 * the contract says `…Usd`, and as integer micro-dollars where it says `…MicroUsd`.
 */

/** A model id as a user types it for a price: the rule every model id follows (lib/domain/model-id.ts). */
export const priceModelField = modelIdField;

const perMTok = (name: string) =>
  dollarsField(name, 0, 1000).meta({ description: "Dollars per million tokens (0 to 1000, at most 6 decimals)." });

export const pricesQuerySchema = z.strictObject({
  providerId: providerIdField.meta({ description: "A provider of the user (a uuid from GET /api/providers)." }),
});

export const setPriceSchema = z
  .strictObject({
    providerId: providerIdField,
    model: priceModelField,
    inputPerMTokUsd: perMTok("inputPerMTokUsd"),
    outputPerMTokUsd: perMTok("outputPerMTokUsd"),
  })
  .meta({ id: "SetPrice" });

export const deletePriceSchema = z
  .strictObject({ providerId: providerIdField, model: priceModelField })
  .meta({ id: "DeletePrice" });

export const PRICE_SOURCES = ["catalogue", "user"] as const;

export const priceSchema = z
  .object({
    model: z.string(),
    inputPerMTokUsd: z.number().nonnegative(),
    outputPerMTokUsd: z.number().nonnegative(),
    source: z.enum(PRICE_SOURCES).meta({
      description: "`user`: the user's own price, which wins; `catalogue`: the price list that comes with the app.",
    }),
  })
  .meta({ id: "Price" });

export type PriceView = z.infer<typeof priceSchema>;

export const priceListSchema = z.object({ prices: z.array(priceSchema) }).meta({ id: "PriceList" });

export const USAGE_GROUPS = ["day", "key", "model", "provider", "token"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];
export const MAX_USAGE_DAYS = 366;

const dayField = (name: string) =>
  z
    .string({ error: `${name} must be a date (YYYY-MM-DD).` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${name} must be a date (YYYY-MM-DD).` })
    .refine(
      (day) =>
        !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
      {
        error: `${name} must be a real date (YYYY-MM-DD).`,
      },
    );

export const usageQuerySchema = z
  .strictObject({
    from: dayField("from")
      .optional()
      .meta({ description: "First UTC day (YYYY-MM-DD); default: 29 days before `to`." }),
    to: dayField("to").optional().meta({ description: "Last UTC day (YYYY-MM-DD), included; default: today." }),
    groupBy: z
      .enum(USAGE_GROUPS, { error: `groupBy must be one of ${USAGE_GROUPS.join(", ")}.` })
      .optional()
      .meta({ description: "Default: day." }),
    format: z.enum(["json", "csv"], { error: 'format must be "json" or "csv".' }).optional().meta({
      description: "`csv` answers the rows as CSV (as `Accept: text/csv` does), for a download link.",
    }),
  })
  .superRefine((query, context) => {
    if (!query.from || !query.to) return;
    const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 + 1;
    if (days < 1) context.addIssue({ code: "custom", path: ["to"], message: "to must not be before from." });
    else if (days > MAX_USAGE_DAYS)
      context.addIssue({ code: "custom", path: ["to"], message: `A report covers at most ${MAX_USAGE_DAYS} days.` });
  });

const count = z.number().int().nonnegative();
const figures = {
  requests: count,
  inputTokens: count,
  outputTokens: count,
  costMicroUsd: count.meta({ description: "What the priced answers cost, in micro-dollars (USD × 1,000,000)." }),
  unpricedRequests: count.meta({ description: "Answers whose model had no price: their cost is unknown, not 0." }),
};

export const usageReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(USAGE_GROUPS),
    rows: z.array(
      z
        .object({
          group: z.string().nullable().meta({
            description:
              "The day (YYYY-MM-DD), the key's id, the model id, the provider's id, or the access token's id (null: the playground).",
          }),
          providerId: z.guid().optional().meta({ description: "With groupBy=model: the model's provider." }),
          ...figures,
        })
        .meta({ id: "UsageRow" }),
    ),
    total: z.object(figures),
  })
  .meta({ id: "UsageReport" });

export type UsageReportView = z.infer<typeof usageReportSchema>;

export const balanceSchema = z
  .object({
    currency: z
      .string()
      .meta({ description: "The balance's currency as the provider gives it (USD; DeepSeek may answer CNY)." }),
    remainingUsd: z.number().meta({ description: "What is left, in that currency." }),
    limitUsd: z.number().optional(),
    usedUsd: z.number().optional(),
    fetchedAt: isoDate.meta({ description: "When the provider was asked (cached up to 10 minutes)." }),
  })
  .meta({ id: "Balance" });

export type BalanceView = z.infer<typeof balanceSchema>;

export const balanceParamsSchema = z.strictObject({ id: keyIdField });
