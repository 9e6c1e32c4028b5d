import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { slugCandidates } from "@/lib/validation/endpoint-slug";
import { MAX_ENDPOINTS_PER_USER } from "@/lib/validation/endpoint-rules";
import { withDb } from "./client";
import { CHECK_VIOLATION, constraintName, FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from "./errors";
import { modelProvider, userApiKey } from "./schema";
import { isUuid } from "./uuid";

/**
 * A user's custom endpoints: rows of ModelProvider owned by that user (schema/keys.ts). Each function is one SQL
 * statement scoped by the owner, so another user's endpoint is simply not found. This module sees base URLs the
 * outbound guard (lib/net) has already checked, and never a key.
 */

export interface EndpointRecord {
  id: string;
  name: string;
  /** The gateway's name for it (`<slug>/<model>`): lib/validation/endpoint-slug.ts. */
  slug: string;
  baseUrl: string;
  createdAt: Date;
}

const endpointColumns = {
  id: modelProvider.id,
  name: modelProvider.name,
  slug: sql<string>`${modelProvider.slug}`.as("slug"),
  baseUrl: sql<string>`${modelProvider.baseUrl}`.as("baseUrl"),
  createdAt: modelProvider.createdAt,
};

const owned = (userId: string, endpointId: string) =>
  and(eq(modelProvider.id, endpointId), eq(modelProvider.ownerId, userId));

const limitReached = () =>
  new AppError(
    "endpoint_limit_reached",
    `You can add at most ${MAX_ENDPOINTS_PER_USER} endpoints. Delete one to add another.`,
  );
const notSignedIn = () => new AppError("unauthorized", "Your session is no longer valid. Please sign in again.");

export async function listEndpoints(userId: string): Promise<EndpointRecord[]> {
  if (!isUuid(userId)) return [];
  return withDb((db) =>
    db
      .select(endpointColumns)
      .from(modelProvider)
      .where(eq(modelProvider.ownerId, userId))
      .orderBy(asc(modelProvider.createdAt), asc(modelProvider.id)),
  );
}

/** The lowest slot the user has free, or NULL when all are taken (the row then breaks ModelProvider_endpoint_slot). */
const freeSlot = (userId: string) => sql`(
  select min(slot) from generate_series(0, ${MAX_ENDPOINTS_PER_USER - 1}) as slot
  where slot not in (select ${modelProvider.endpointSlot} from ${modelProvider} where ${modelProvider.ownerId} = ${userId})
)`;

/**
 * The first slug of `name`'s candidates no other endpoint of the user holds (`self`: the endpoint being renamed).
 * Two concurrent writes that pick the same one meet at the (ownerId, slug) unique index; the loser runs again.
 * (Slugs hold only a-z, 0-9 and "-": the candidates travel as one comma-separated parameter.)
 */
const freeSlug = (userId: string, name: string, self: string | null = null) => sql`(
  select c from unnest(string_to_array(${slugCandidates(name).join(",")}::text, ',')) with ordinality as t(c, n)
  where c not in (select ${modelProvider.slug} from ${modelProvider}
    where ${modelProvider.ownerId} = ${userId} and ${modelProvider.id} is distinct from ${self}::uuid and ${modelProvider.slug} is not null)
  order by n limit 1
)`;

/** A slug taken by a concurrent write of the same user: the statement is run again and picks the next. */
const slugRace = (error: unknown) =>
  sqlState(error) === UNIQUE_VIOLATION && constraintName(error) === "ModelProvider_ownerId_slug_key";

/**
 * Adds an endpoint in one statement that takes the user's lowest free slot. Two concurrent adds that pick the same
 * slot meet at the (ownerId, endpointSlot) unique index: the second inserts nothing and tries the next slot. When
 * no slot is free the row breaks a check constraint: the limit holds under any concurrency.
 */
export async function createEndpoint(
  userId: string,
  input: { name: string; baseUrl: string },
): Promise<EndpointRecord> {
  if (!isUuid(userId)) throw notSignedIn();
  for (let attempt = 0; attempt <= MAX_ENDPOINTS_PER_USER; attempt++) {
    try {
      const [row] = await withDb((db) =>
        db
          .insert(modelProvider)
          .values({
            registryId: "custom",
            name: input.name,
            slug: freeSlug(userId, input.name),
            baseUrl: input.baseUrl,
            ownerId: userId,
            endpointSlot: freeSlot(userId),
          })
          .onConflictDoNothing({ target: [modelProvider.ownerId, modelProvider.endpointSlot] })
          .returning(endpointColumns),
      );
      if (row) return row;
    } catch (error) {
      if (sqlState(error) === CHECK_VIOLATION && constraintName(error) === "ModelProvider_endpoint_slot")
        throw limitReached();
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw notSignedIn();
      if (slugRace(error)) continue;
      throw error;
    }
  }
  throw limitReached();
}

/**
 * Renames or moves an endpoint in one statement. Moving it to another origin (scheme, host, port) deletes its saved
 * keys in that same statement: a key is only ever sent to the origin it was saved for. Null when the user has no
 * such endpoint.
 */
export async function updateEndpoint(
  userId: string,
  endpointId: string,
  changes: { name?: string; baseUrl?: string },
): Promise<EndpointRecord | null> {
  if (!isUuid(userId) || !isUuid(endpointId)) return null;
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeEndpointChanges(userId, endpointId, changes);
    } catch (error) {
      if (!slugRace(error) || attempt >= MAX_ENDPOINTS_PER_USER) throw error;
    }
  }
}

/** updateEndpoint's one statement: a new name takes a new slug. */
async function writeEndpointChanges(
  userId: string,
  endpointId: string,
  changes: { name?: string; baseUrl?: string },
): Promise<EndpointRecord | null> {
  const [row] = await withDb((db) => {
    const set = changes.name === undefined ? changes : { ...changes, slug: freeSlug(userId, changes.name, endpointId) };
    const update = db.update(modelProvider).set(set).where(owned(userId, endpointId)).returning(endpointColumns);
    if (changes.baseUrl === undefined) return update;
    const origin = (url: unknown) => sql`substring(${url} from '^[a-z][a-z0-9+.-]*://[^/]+')`;
    const previous = db.$with("previous").as(
      db
        .select({ origin: sql<string>`${origin(modelProvider.baseUrl)}`.as("origin") })
        .from(modelProvider)
        .where(owned(userId, endpointId)),
    );
    const updated = db.$with("updated").as(update);
    const keysGone = db.$with("keys_gone").as(
      db
        .delete(userApiKey)
        .where(
          and(
            eq(userApiKey.userId, userId),
            eq(userApiKey.providerId, endpointId),
            sql`exists (select 1 from ${updated})`,
            sql`(select ${previous.origin} from ${previous}) is distinct from ${origin(changes.baseUrl)}`,
          ),
        )
        .returning({ id: userApiKey.id }),
    );
    return db.with(previous, updated, keysGone).select().from(updated);
  });
  return row ?? null;
}

/** Deletes an endpoint, and with it (ON DELETE CASCADE, the same statement) every key saved for it. */
export async function deleteEndpoint(userId: string, endpointId: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(endpointId)) return false;
  const rows = await withDb((db) =>
    db.delete(modelProvider).where(owned(userId, endpointId)).returning({ id: modelProvider.id }),
  );
  return rows.length > 0;
}
