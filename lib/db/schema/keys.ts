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
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { KEY_EVENT_TYPES, KEY_HEALTH, type KeyEventDetail, MAX_KEYS_PER_PROVIDER } from "../../domain/key-facts";
import { budgetChecks, budgetColumns, timestamptz } from "./columns";
import { user } from "./accounts";

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

export type ModelProvider = typeof modelProvider.$inferSelect;
export type UserApiKeyRow = typeof userApiKey.$inferSelect;
export type KeyEventRow = typeof keyEvent.$inferSelect;
