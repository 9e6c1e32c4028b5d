/**
 * The database's tables, by area: accounts (users, sessions, rate-limit counters), keys (providers, keys, their
 * events and settings), usage (per key and day, per model and day, the user's prices) and tokens (the gateway's
 * access tokens). drizzle-kit reads this file (drizzle.config.ts); the rest of the code imports it as one.
 */
export { type Reservation } from "./columns";
export * from "./accounts";
export * from "./keys";
export * from "./usage";
export * from "./tokens";
