import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getKeyring } from "@/lib/crypto/keyring";
import { seal } from "@/lib/crypto/secret-box";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { openStoredApiKey } from "@/lib/keys/vault";
import { withSchemaUpTo } from "../fixtures/migrations";
import { fakeKey } from "../fixtures/users";

/**
 * The "several keys" migration (0005) on a database the previous schema filled: every key survives with label
 * `Default`, position 0, its envelope byte for byte, and still opens. Runs on whichever database the suite runs on
 * (PGlite here; PostgreSQL under `npm run test:pg`): the old schema is built with drizzle's own migrator from the
 * migrations up to 0004, rows are written with plain SQL, then the app opens the database and migrates to head.
 */

const PREVIOUS = "0004_keys_at_work";

interface OldRow {
  userId: string;
  providerId: string;
  apiKey: string;
  envelope: string;
  isEnabled: boolean;
}
const rows: OldRow[] = [];

// The old schema is built and filled before anything opens the app's database (tests/setup/database.ts opens it
// in a hook before this file's tests).
await withSchemaUpTo(PREVIOUS, async (query) => {
  const providers = [randomUUID(), randomUUID()];
  for (const [i, id] of providers.entries()) {
    await query(`insert into "ModelProvider" (id, "registryId", name) values ($1, $2, $3)`, [
      id,
      `migration-test-${i}`,
      `Provider ${i}`,
    ]);
  }
  for (let u = 0; u < 3; u++) {
    const userId = randomUUID();
    await query(`insert into "User" (id, email, "passwordHash") values ($1, $2, 'x')`, [
      userId,
      `old${u}.${userId}@example.test`,
    ]);
    for (const providerId of providers) {
      const apiKey = fakeKey();
      const { envelope, keyId } = seal(getKeyring(), apiKey, { userId, providerId });
      const isEnabled = u !== 1;
      await query(
        `insert into "UserApiKey" ("userId", "providerId", "encryptedKey", "keyId", "keyHint", "isEnabled", health)
         values ($1, $2, $3, $4, 'sk-t****abcd', $5, 'ok')`,
        [userId, providerId, envelope, keyId, isEnabled],
      );
      rows.push({ userId, providerId, apiKey, envelope, isEnabled });
    }
  }
});

describe("migration 0005: several keys per provider", () => {
  it("keeps every key, labelled Default at position 0, with its envelope untouched and still openable", async () => {
    for (const row of rows) {
      const listed = (await getUserApiKeys(row.userId)).filter((k) => k.providerId === row.providerId);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        label: "Default",
        position: 0,
        expiresAt: null,
        isEnabled: row.isEnabled,
        health: "ok",
      });
      const opened = await openStoredApiKey(row.userId, row.providerId);
      expect(opened?.apiKey).toBe(row.apiKey);
      expect(opened?.sealed).toBe(row.envelope); // nothing re-encrypted
    }
    expect(rows).toHaveLength(6);
  });

  it("applies on top of the old schema: the new constraints hold on the migrated rows", async () => {
    const { getDb } = await import("@/lib/db/client");
    const { rowsOf } = await import("@/lib/db/prepared");
    const { sql } = await import("drizzle-orm");
    const db = await getDb();
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from "UserApiKey" where label = 'Default' and position = 0`),
    );
    expect(row?.n).toBe(rows.length);
    // A second key with the label of the first, in another case, is refused by the new unique index.
    const first = rows[0]!;
    await expect(
      db.execute(sql`insert into "UserApiKey" ("userId", "providerId", "encryptedKey", "keyId", "keyHint", label, position)
        values (${first.userId}, ${first.providerId}, 'x', 'x', 'x', 'DEFAULT', 1)`),
    ).rejects.toThrow();
  });
});
