import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  BUDGET_MODES,
  KEY_EVENT_TYPES,
  KEY_HEALTH,
  type KeyEventDetail,
  MAX_ACCESS_TOKENS_PER_USER,
  MAX_KEYS_PER_PROVIDER,
} from "../domain/key-facts";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A hold on a budget while an answer runs (lib/db/spend-sql.ts): its id, amount and when it lapses (epoch s). */
export interface Reservation {
  id: string;
  micro: number;
  until: number;
}

/**
 * A monthly budget and the month's spend, on the row it limits (a key, an access token): one UPDATE of that row
 * reserves, settles and checks it, so concurrent answers queue on the row lock (lib/db/spend-sql.ts).
 */
const budgetColumns = () => ({
  /** The budget in micro-dollars a calendar month (UTC); null: none. */
  budgetMicroUsd: bigint("budgetMicroUsd", { mode: "number" }),
  budgetMode: text("budgetMode", { enum: BUDGET_MODES }),
  /** The month (its first day, UTC) `spendMicroUsd` counts; another month's figure reads as 0. */
  spendMonth: date("spendMonth", { mode: "string" }),
  /** What answers settled this month cost, in micro-dollars. */
  spendMicroUsd: bigint("spendMicroUsd", { mode: "number" }).notNull().default(0),
  /** Holds of answers still running, each lapsing on its own (a crashed instance's never block for good). */
  reservations: jsonb("reservations").$type<Reservation[]>().notNull().default([]),
});

/** Both budget columns or neither; an amount within what the API accepts. */
const budgetChecks = (table: string, t: { budgetMicroUsd: AnyPgColumn; budgetMode: AnyPgColumn }) => [
  check(`${table}_budget_pair`, sql`(${t.budgetMicroUsd} is null) = (${t.budgetMode} is null)`),
  check(
    `${table}_budget_range`,
    sql`${t.budgetMicroUsd} is null or ${t.budgetMicroUsd} between 10000 and 1000000000000`,
  ),
];

export const user = pgTable(
  "User",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Stored lower-cased; the check makes a mixed-case duplicate impossible even if a caller forgets.
    email: text("email").notNull(),
    passwordHash: text("passwordHash").notNull(),
    name: text("name"),
    createdAt: timestamptz("createdAt").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("User_email_key").on(t.email),
    check("User_email_lowercase", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * The providers keys are saved for: the built-in catalogue (lib/domain/catalogue.ts, seeded, `ownerId` null) and
 * each user's custom endpoints (`registryId` "custom", a `baseUrl`, owned by one user and visible to nobody else).
 * Keeping both in one table lets UserApiKey reference either, and deleting an endpoint (or its owner) delete its
 * keys in the same statement.
 */
export const modelProvider = pgTable(
  "ModelProvider",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    registryId: text("registryId").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    sortOrder: integer("sortOrder").notNull().default(0),
    isEnabled: boolean("isEnabled").notNull().default(true),
    createdAt: timestamptz("createdAt").notNull().defaultNow(),
    /** The user a custom endpoint belongs to; null for the built-in catalogue. */
    ownerId: uuid("ownerId").references(() => user.id, { onDelete: "cascade" }),
    /** A custom endpoint's base URL, as lib/net/endpoint-url.ts normalised it; null for the built-ins. */
    baseUrl: text("baseUrl"),
    /** A custom endpoint's place among its owner's (0 to the limit - 1): with the unique index below, a user can
     * never hold more endpoints than there are slots, whatever the concurrency (lib/db/endpoints.ts). */
    endpointSlot: smallint("endpointSlot"),
    /** A custom endpoint's name as the gateway's model prefix (`<slug>/<model>`): lower case, other characters as
     * `-`, unique per owner (lib/validation/endpoint-slug.ts); null for the built-ins. */
    slug: text("slug"),
  },
  (t) => [
    // The catalogue's own ids are unique; a user's endpoints all share the registryId "custom".
    uniqueIndex("ModelProvider_registryId_key")
      .on(t.registryId)
      .where(sql`${t.ownerId} is null`),
    uniqueIndex("ModelProvider_ownerId_endpointSlot_key").on(t.ownerId, t.endpointSlot),
    uniqueIndex("ModelProvider_ownerId_slug_key").on(t.ownerId, t.slug),
    check(
      "ModelProvider_endpoint_fields",
      sql`(${t.ownerId} is null) = (${t.baseUrl} is null) and (${t.ownerId} is null) = (${t.registryId} <> 'custom')`,
    ),
    check("ModelProvider_endpoint_slot", sql`(${t.ownerId} is null) = (${t.endpointSlot} is null)`),
    check("ModelProvider_endpoint_slug", sql`(${t.ownerId} is null) = (${t.slug} is null)`),
  ],
);

export const userApiKey = pgTable(
  "UserApiKey",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    providerId: uuid("providerId")
      .notNull()
      .references(() => modelProvider.id, { onDelete: "cascade" }),
    /** The secret-box envelope (`v1.<keyId>.<iv>.<ciphertext>.<tag>`), never the plaintext. */
    encryptedKey: text("encryptedKey").notNull(),
    /**
     * The user's name for this key, unique per user and provider whatever its case (the index below). Not bound
     * into the ciphertext's associated data (that binds user and provider only): a rename re-encrypts nothing.
     */
    label: text("label").notNull().default("Default"),
    /** Its place in the provider's order, 0 (the primary) to the number of keys - 1; requests try keys in it. */
    position: integer("position").notNull().default(0),
    /** After this the key is never used and shows "Expired"; null: it does not expire. */
    expiresAt: timestamptz("expiresAt"),
    /** The keyring id that sealed `encryptedKey`: lets a listing flag rows needing re-entry and lets
     * rotation find stale rows by index, both without decrypting anything. */
    keyId: text("keyId").notNull(),
    /** The masked key, computed once at save time so a listing never decrypts. */
    keyHint: text("keyHint").notNull(),
    isEnabled: boolean("isEnabled").notNull().default(true),
    createdAt: timestamptz("createdAt").notNull().defaultNow(),
    updatedAt: timestamptz("updatedAt").notNull().defaultNow(),
    lastValidatedAt: timestamptz("lastValidatedAt"),
    lastUsedAt: timestamptz("lastUsedAt"),
    /** What the provider last said about this key (lib/keys/health.ts), when, and our own sentence about it. */
    health: text("health", { enum: KEY_HEALTH }).notNull().default("unchecked"),
    healthCheckedAt: timestamptz("healthCheckedAt"),
    healthMessage: text("healthMessage"),
    /** A re-checker (lib/keys/recheck.ts) holds the key until then: other instances leave it alone. */
    recheckLeaseUntil: timestamptz("recheckLeaseUntil"),
    /**
     * The key's usage over the 30 UTC days ending `usageThrough`, as running totals summed from the end (index 1
     * is the whole window, index 30 the last day), rewritten from its KeyUsage rows by every recording
     * (lib/db/usage-window.ts). From them the list reads the last 30 days' totals on any later day without
     * touching KeyUsage: see `last30Days`.
     */
    usageThrough: date("usageThrough", { mode: "string" }),
    usageRequests: bigint("usageRequests", { mode: "number" }).array(),
    usageInputTokens: bigint("usageInputTokens", { mode: "number" }).array(),
    usageOutputTokens: bigint("usageOutputTokens", { mode: "number" }).array(),
    usageErrors: bigint("usageErrors", { mode: "number" }).array(),
    usageCostMicroUsd: bigint("usageCostMicroUsd", { mode: "number" }).array(),
    ...budgetColumns(),
    /** The highest budget alert written for `spendMonth` (0, 80 or 100): budget_warning and budget_reached once a month. */
    budgetAlerted: smallint("budgetAlerted").notNull().default(0),
  },
  (t) => [
    uniqueIndex("UserApiKey_userId_providerId_label_key").on(t.userId, t.providerId, sql`lower(${t.label})`),
    // DEFERRABLE INITIALLY IMMEDIATE in the migration (drizzle cannot say it): checked at the end of each
    // statement, so one UPDATE can renumber a provider's keys, while two concurrent writers can never leave
    // two keys at one position (the loser fails and retries, lib/db/user-api-keys.ts). With the range check
    // this is also what holds a provider to MAX_KEYS_PER_PROVIDER keys, whatever the concurrency.
    unique("UserApiKey_userId_providerId_position_key").on(t.userId, t.providerId, t.position),
    index("UserApiKey_providerId_idx").on(t.providerId),
    index("UserApiKey_keyId_idx").on(t.keyId),
    // The re-checker's claim: enabled keys, least recently checked first.
    index("UserApiKey_recheck_idx")
      .on(t.healthCheckedAt.asc().nullsFirst())
      .where(sql`${t.isEnabled}`),
    check("UserApiKey_position_range", sql`${t.position} between 0 and ${sql.raw(String(MAX_KEYS_PER_PROVIDER - 1))}`),
    check("UserApiKey_health_known", sql`${t.health} in (${sql.raw(KEY_HEALTH.map((h) => `'${h}'`).join(", "))})`),
    ...budgetChecks("UserApiKey", t),
  ],
);

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

/**
 * The gateway's personal access tokens (`kr_…`): only a keyed hash of each is stored (lib/gateway/token-secret.ts),
 * never the token. A token acts for its user on `/api/v1`, limited to `providerIds` (null: every provider) and to
 * its own budget, on top of the keys'. Deleting the row revokes it on every instance at once: each request reads it.
 */
export const accessToken = pgTable(
  "AccessToken",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** 0 to the limit - 1, unique per user: the limit holds whatever the concurrency (like endpoint slots). */
    slot: smallint("slot").notNull(),
    name: text("name").notNull(),
    /** The token's first characters, shown to tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** HMAC-SHA-256 of the token (hex). */
    tokenHash: text("tokenHash").notNull(),
    providerIds: uuid("providerIds").array(),
    expiresAt: timestamptz("expiresAt"),
    ...budgetColumns(),
    lastUsedAt: timestamptz("lastUsedAt"),
    createdAt: timestamptz("createdAt").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("AccessToken_tokenHash_key").on(t.tokenHash),
    uniqueIndex("AccessToken_userId_slot_key").on(t.userId, t.slot),
    check("AccessToken_slot_range", sql`${t.slot} between 0 and ${sql.raw(String(MAX_ACCESS_TOKENS_PER_USER - 1))}`),
    ...budgetChecks("AccessToken", t),
  ],
);

/**
 * The activity log: append-only, written by the same statement (or transaction) as the change it records
 * (lib/db/key-events.ts). `detail` never holds key material, not even a mask. `providerId` has no foreign key:
 * the event outlives the provider row; the user's events go with the user. The id orders events (newest first).
 */
export const keyEvent = pgTable(
  "KeyEvent",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    at: timestamptz("at").notNull().defaultNow(),
    type: text("type", { enum: KEY_EVENT_TYPES }).notNull(),
    providerId: uuid("providerId"),
    detail: jsonb("detail").$type<KeyEventDetail>().notNull().default({}),
  },
  (t) => [
    index("KeyEvent_userId_id_idx").on(t.userId, t.id.desc()),
    check("KeyEvent_type_known", sql`${t.type} in (${sql.raw(KEY_EVENT_TYPES.map((e) => `'${e}'`).join(", "))})`),
  ],
);

/** A user's preferences for one provider; no row: the defaults (fallback on). */
export const userProviderSetting = pgTable(
  "UserProviderSetting",
  {
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    providerId: uuid("providerId")
      .notNull()
      .references(() => modelProvider.id, { onDelete: "cascade" }),
    /** When a key is rejected, limited or unreachable, try the provider's next key; false: "Always use my first key". */
    fallback: boolean("fallback").notNull().default(true),
    updatedAt: timestamptz("updatedAt").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.providerId] })],
);

export type User = typeof user.$inferSelect;
export type ModelProvider = typeof modelProvider.$inferSelect;
export type UserApiKeyRow = typeof userApiKey.$inferSelect;
export type KeyEventRow = typeof keyEvent.$inferSelect;
export type AccessTokenRow = typeof accessToken.$inferSelect;

/** Fixed-window counters shared by every app instance (sign-in failures, key validations). */
export const rateLimit = pgTable(
  "RateLimit",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull(),
    expiresAt: timestamptz("expiresAt").notNull(),
  },
  (t) => [index("RateLimit_expiresAt_idx").on(t.expiresAt)],
);

/**
 * Signed-in sessions. The session token (next-auth's JWT) names its row (`sid`); a token whose row is gone or
 * expired is refused on every instance at once. Sign-out deletes the row, "Sign out everywhere" and a password
 * change delete the user's rows.
 */
export const session = pgTable(
  "Session",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("userId")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    createdAt: timestamptz("createdAt").notNull().defaultNow(),
    expiresAt: timestamptz("expiresAt").notNull(),
  },
  (t) => [index("Session_userId_idx").on(t.userId), index("Session_expiresAt_idx").on(t.expiresAt)],
);
