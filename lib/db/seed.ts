import { sql } from "drizzle-orm";
import { PROVIDERS } from "@/lib/domain/catalogue";
import type { Database } from "./types";
import { modelProvider } from "./schema";

/**
 * Upserts the catalogue into ModelProvider in one statement (users' endpoints are never touched). Idempotent: ids stay stable, names and descriptions
 * follow the catalogue, and an operator's `isEnabled` choice is left alone.
 */
export async function seedProviders(db: Database): Promise<number> {
  const rows = await seedProvidersQuery(db);
  return rows.length;
}

/** The seed's one statement: run by seedProviders, or as SQL inside the migrations' transaction (lib/db/postgres-setup.ts). */
export function seedProvidersQuery(db: Database) {
  return db
    .insert(modelProvider)
    .values(
      PROVIDERS.map((p, index) => ({
        registryId: p.registryId,
        name: p.name,
        description: p.description,
        sortOrder: (index + 1) * 10,
      })),
    )
    .onConflictDoUpdate({
      // The catalogue's unique index is partial (users' endpoints share the registryId "custom"): name its predicate.
      target: modelProvider.registryId,
      targetWhere: sql`${modelProvider.ownerId} is null`,
      set: {
        name: sql`excluded."name"`,
        description: sql`excluded."description"`,
        sortOrder: sql`excluded."sortOrder"`,
      },
    })
    .returning({ id: modelProvider.id });
}
