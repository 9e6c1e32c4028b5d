import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

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

export type User = typeof user.$inferSelect;
