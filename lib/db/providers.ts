import "server-only";
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { isRegistryId, type RegistryId } from "@/lib/domain/catalogue";
import { type Database, getDb, withDb } from "./client";
import { preparedPerHandle } from "./prepared";
import { modelProvider, userApiKey, userProviderSetting } from "./schema";
import { selectLiveSession } from "./sessions";
import { isUuid } from "./uuid";

/**
 * The providers a user may save keys for: the built-in catalogue, and that user's own custom endpoints. Every
 * lookup takes the user: another user's endpoint is not found, wherever it is asked for.
 */

interface Common {
  id: string;
  name: string;
  description: string;
}

export interface BuiltInProviderRecord extends Common {
  registryId: RegistryId;
}

export interface EndpointProviderRecord extends Common {
  registryId: "custom";
  baseUrl: string;
}

export type ProviderRecord = BuiltInProviderRecord | EndpointProviderRecord;

const providerColumns = {
  id: modelProvider.id,
  registryId: modelProvider.registryId,
  name: modelProvider.name,
  description: modelProvider.description,
  ownerId: modelProvider.ownerId,
  baseUrl: modelProvider.baseUrl,
};

export interface ProviderRow extends Common {
  registryId: string;
  ownerId: string | null;
  baseUrl: string | null;
}

/** A row as a record; null for a built-in the catalogue (lib/domain/catalogue.ts) no longer knows. */
export function toProviderRecord({
  id,
  registryId,
  name,
  description,
  ownerId,
  baseUrl,
}: ProviderRow): ProviderRecord | null {
  if (ownerId !== null)
    return registryId === "custom" && baseUrl !== null ? { id, registryId, name, description, baseUrl } : null;
  return isRegistryId(registryId) ? { id, registryId, name, description } : null;
}

const toRecords = (rows: ProviderRow[]) => rows.flatMap((row) => toProviderRecord(row) ?? []);

/** The built-ins, and the user's own endpoints; never another user's. */
const visibleTo = (userId: string) =>
  and(
    eq(modelProvider.isEnabled, true),
    isUuid(userId)
      ? or(isNull(modelProvider.ownerId), eq(modelProvider.ownerId, userId))
      : isNull(modelProvider.ownerId),
  );

/** The catalogue in its order, then the user's endpoints in the order they were added. */
const displayOrder = [
  asc(sql`${modelProvider.ownerId} is not null`),
  asc(modelProvider.sortOrder),
  asc(modelProvider.createdAt),
  asc(modelProvider.name),
];

/** Providers this user may add keys for, in display order. */
export async function listProviders(userId: string): Promise<ProviderRecord[]> {
  const rows = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(visibleTo(userId))
      .orderBy(...displayOrder),
  );
  return toRecords(rows);
}

/** The catalogue's providers alone, in display order (seeds, tools, tests). */
export async function listBuiltInProviders(): Promise<BuiltInProviderRecord[]> {
  return (await listProviders("")).filter((p): p is BuiltInProviderRecord => p.registryId !== "custom");
}

/** Every provider of every user, built-ins first: for background work over all keys (the re-checker). */
export async function listAllProviders(): Promise<ProviderRecord[]> {
  const rows = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(eq(modelProvider.isEnabled, true))
      .orderBy(...displayOrder),
  );
  return toRecords(rows);
}

export async function getProvider(userId: string, providerId: string): Promise<ProviderRecord | null> {
  if (!isUuid(providerId)) return null;
  const rows = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(and(eq(modelProvider.id, providerId), visibleTo(userId))),
  );
  return toRecords(rows)[0] ?? null;
}

/** A built-in provider by its catalogue id. */
export async function getProviderByRegistryId(registryId: string): Promise<BuiltInProviderRecord | null> {
  if (!isRegistryId(registryId)) return null;
  const [row] = await withDb((db) =>
    db
      .select({ id: modelProvider.id, name: modelProvider.name, description: modelProvider.description })
      .from(modelProvider)
      .where(
        and(eq(modelProvider.registryId, registryId), isNull(modelProvider.ownerId), eq(modelProvider.isEnabled, true)),
      ),
  );
  return row ? { ...row, registryId } : null;
}

export type ProviderForUser = ProviderRecord & { hasApiKey: boolean; isEnabled: boolean; fallback: boolean };

const withKeyColumns = {
  ...providerColumns,
  keyId: userApiKey.id,
  keyEnabled: userApiKey.isEnabled,
  fallback: userProviderSetting.fallback,
};
const visibleWithKey = {
  provider: and(
    eq(modelProvider.isEnabled, true),
    or(isNull(modelProvider.ownerId), eq(modelProvider.ownerId, sql.placeholder("userId"))),
  ),
  // The primary key (position 0) stands for the provider: `isEnabled` is its state, as with one key per provider.
  key: and(
    eq(userApiKey.providerId, modelProvider.id),
    eq(userApiKey.userId, sql.placeholder("userId")),
    eq(userApiKey.position, 0),
  ),
  setting: and(
    eq(userProviderSetting.providerId, modelProvider.id),
    eq(userProviderSetting.userId, sql.placeholder("userId")),
  ),
};

type RowWithKey = ProviderRow & { keyId: string | null; keyEnabled: boolean | null; fallback: boolean | null };

function withKeys(rows: RowWithKey[]): ProviderForUser[] {
  return rows.flatMap(({ keyId, keyEnabled, fallback, ...row }) => {
    const record = toProviderRecord(row);
    return record
      ? [{ ...record, hasApiKey: keyId !== null, isEnabled: keyEnabled ?? false, fallback: fallback ?? true }]
      : [];
  });
}

/**
 * GET /api/providers: the providers as one user sees them (whether each has a key, and whether it is enabled)
 * behind a live session, in ONE statement, prepared once per database handle. The live session (a CTE) is the
 * first table: no row means the session has ended (null, a 401), as for the key list (lib/db/user-api-keys.ts).
 */
const forSessionQuery = preparedPerHandle((db) => {
  const live = db.$with("live").as(selectLiveSession(db));
  return db
    .with(live)
    .select({ session: live.id, ...withKeyColumns })
    .from(live)
    .leftJoin(modelProvider, visibleWithKey.provider)
    .leftJoin(userApiKey, visibleWithKey.key)
    .leftJoin(userProviderSetting, visibleWithKey.setting)
    .orderBy(...displayOrder)
    .prepare("providers_for_session");
});

export async function listProvidersForSession(userId: string, sessionId: string): Promise<ProviderForUser[] | null> {
  if (!isUuid(userId) || !isUuid(sessionId)) return null;
  const rows = await withDb((db) => forSessionQuery(db).execute({ userId, sessionId }));
  if (rows.length === 0) return null;
  // With no provider at all the one row is the session's alone.
  return withKeys(rows.filter((row): row is typeof row & ProviderRow => row.id !== null) as RowWithKey[]);
}

/**
 * The built-in providers' registry ids by row id, read once per database handle (one SELECT; the catalogue is seeded
 * at start and never changes while the app runs): what an answer needs to look up the catalogue's price before its
 * one statement (lib/keys/chat.ts). Null for an id that is not a built-in (a custom endpoint, or nothing).
 */
const builtIns = new WeakMap<Database, Promise<Map<string, RegistryId>>>();

export async function builtInRegistryId(providerId: string): Promise<RegistryId | null> {
  const db = await getDb();
  let ids = builtIns.get(db);
  if (!ids) {
    ids = withDb((d) =>
      d
        .select({ id: modelProvider.id, registryId: modelProvider.registryId })
        .from(modelProvider)
        .where(isNull(modelProvider.ownerId)),
    ).then(
      (rows) =>
        new Map(rows.flatMap((row) => (isRegistryId(row.registryId) ? [[row.id, row.registryId] as const] : []))),
    );
    ids.catch(() => builtIns.delete(db));
    builtIns.set(db, ids);
  }
  return (await ids).get(providerId) ?? null;
}
