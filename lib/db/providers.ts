import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { isRegistryId, type RegistryId } from "@/lib/providers/catalogue";
import { preparedPerHandle, withDb } from "./client";
import { modelProvider, userApiKey } from "./schema";
import { isUuid } from "./uuid";

export interface ProviderRecord {
  id: string;
  registryId: RegistryId;
  name: string;
  description: string;
}

const providerColumns = {
  id: modelProvider.id,
  registryId: modelProvider.registryId,
  name: modelProvider.name,
  description: modelProvider.description,
};

/** Rows the catalogue (lib/providers/catalogue.ts) does not know cannot be checked or used: they are not offered. */
const known = <T extends { registryId: string }>(rows: T[]) =>
  rows.filter((row): row is T & { registryId: RegistryId } => isRegistryId(row.registryId));

/** Providers users may add keys for, in display order. */
export async function listProviders(): Promise<ProviderRecord[]> {
  const rows = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(eq(modelProvider.isEnabled, true))
      .orderBy(asc(modelProvider.sortOrder), asc(modelProvider.name)),
  );
  return known(rows);
}

export async function getProvider(providerId: string): Promise<ProviderRecord | null> {
  if (!isUuid(providerId)) return null;
  const rows = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(and(eq(modelProvider.id, providerId), eq(modelProvider.isEnabled, true))),
  );
  return known(rows)[0] ?? null;
}

export async function getProviderByRegistryId(registryId: string): Promise<ProviderRecord | null> {
  if (!isRegistryId(registryId)) return null;
  const [row] = await withDb((db) =>
    db
      .select(providerColumns)
      .from(modelProvider)
      .where(and(eq(modelProvider.registryId, registryId), eq(modelProvider.isEnabled, true))),
  );
  return row ? { ...row, registryId } : null;
}

export interface ProviderForUser extends ProviderRecord {
  hasApiKey: boolean;
  isEnabled: boolean;
}

// GET /api/providers on every settings visit: built and prepared once, each request only binds the user's id.
const forUserQuery = preparedPerHandle((db) =>
  db
    .select({ ...providerColumns, keyId: userApiKey.id, keyEnabled: userApiKey.isEnabled })
    .from(modelProvider)
    .leftJoin(userApiKey, and(eq(userApiKey.providerId, modelProvider.id), eq(userApiKey.userId, sql.placeholder("userId"))))
    .where(eq(modelProvider.isEnabled, true))
    .orderBy(asc(modelProvider.sortOrder), asc(modelProvider.name))
    .prepare("providers_for_user"),
);

/** The catalogue as one user sees it, in one statement: whether they have a key, and whether it is enabled. */
export async function listProvidersForUser(userId: string): Promise<ProviderForUser[]> {
  const ownKey = isUuid(userId) ? userId : "00000000-0000-0000-0000-000000000000";
  const rows = await withDb((db) => forUserQuery(db).execute({ userId: ownKey }));
  return known(rows).map(({ keyId, keyEnabled, ...provider }) => ({
    ...provider,
    hasApiKey: keyId !== null,
    isEnabled: keyEnabled ?? false,
  }));
}
