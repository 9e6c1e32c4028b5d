import { sql } from "drizzle-orm";
import { bigint, check, date, index, integer, pgTable, primaryKey, text, unique, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { user } from "./accounts";
import { modelProvider, userApiKey } from "./keys";

/**
 * Requests, tokens and errors per key and UTC day, each call added by one upsert (lib/db/key-usage.ts). Goes with
 * its key. `userId` is copied from the key row by that upsert, so reads are scoped by user like every other.
 */
export const keyUsage = pgTable(
  "KeyUsage",
  {
    apiKeyId: uuid("apiKeyId")
      .notNull()
      .references(() => userApiKey.id, { onDelete: "cascade" }),
    userId: uuid("userId").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    requests: integer("requests").notNull().default(0),
    inputTokens: bigint("inputTokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("outputTokens", { mode: "number" }).notNull().default(0),
    errors: integer("errors").notNull().default(0),
    /** What the day's answers cost, in micro-dollars (priced ones only: see `unpricedRequests`). */
    costMicroUsd: bigint("costMicroUsd", { mode: "number" }).notNull().default(0),
    /** Answers whose cost is unknown (no price for their model): never counted as free. */
    unpricedRequests: integer("unpricedRequests").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.day] }), index("KeyUsage_userId_day_idx").on(t.userId, t.day)],
);

/**
 * Requests, tokens and cost per key, UTC day, model and access token (null: the playground): what the usage
 * report (GET /api/user/usage) groups. Written by the same statement as the key's KeyUsage row (lib/db/
 * answer-settle.ts). The key, provider and token ids are kept without a foreign key: a month's spend does not
 * vanish when a key is deleted or a token revoked. The rows go with the user.
 */
export const modelUsage = pgTable(
  "ModelUsage",
  {
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    apiKeyId: uuid("apiKeyId").notNull(),
    providerId: uuid("providerId").notNull(),
    tokenId: uuid("tokenId"),
    day: date("day", { mode: "string" }).notNull(),
    /** The model id as the provider was asked for it; "" for usage recorded before models were. */
    model: text("model").notNull(),
    requests: integer("requests").notNull().default(0),
    inputTokens: bigint("inputTokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("outputTokens", { mode: "number" }).notNull().default(0),
    errors: integer("errors").notNull().default(0),
    costMicroUsd: bigint("costMicroUsd", { mode: "number" }).notNull().default(0),
    unpricedRequests: integer("unpricedRequests").notNull().default(0),
  },
  (t) => [
    unique("ModelUsage_key_day_model_token_key").on(t.apiKeyId, t.day, t.model, t.tokenId).nullsNotDistinct(),
    index("ModelUsage_userId_day_idx").on(t.userId, t.day),
    index("ModelUsage_tokenId_day_idx")
      .on(t.tokenId, t.day)
      .where(sql`${t.tokenId} is not null`),
  ],
);

/**
 * A user's own price for a model of one of their providers, in integer micro-dollars per million tokens: it wins
 * over the catalogue's (lib/spend/catalogue.ts). A custom endpoint is priced only this way.
 */
export const userPrice = pgTable(
  "UserPrice",
  {
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    providerId: uuid("providerId")
      .notNull()
      .references(() => modelProvider.id, { onDelete: "cascade" }),
    model: text("model").notNull(),
    inputMicroUsdPerMTok: bigint("inputMicroUsdPerMTok", { mode: "number" }).notNull(),
    outputMicroUsdPerMTok: bigint("outputMicroUsdPerMTok", { mode: "number" }).notNull(),
    updatedAt: timestamptz("updatedAt").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.providerId, t.model] }),
    check(
      "UserPrice_range",
      sql`${t.inputMicroUsdPerMTok} between 0 and 1000000000 and ${t.outputMicroUsdPerMTok} between 0 and 1000000000`,
    ),
  ],
);
