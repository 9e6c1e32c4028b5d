import { sql } from "drizzle-orm";
import { check, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { MAX_ACCESS_TOKENS_PER_USER } from "../../domain/key-facts";
import { budgetChecks, budgetColumns, timestamptz } from "./columns";
import { user } from "./accounts";

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

export type AccessTokenRow = typeof accessToken.$inferSelect;
