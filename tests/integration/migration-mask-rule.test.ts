import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getKeyring } from "@/lib/crypto/keyring";
import { seal } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { userApiKey } from "@/lib/db/schema";
import { maskApiKey } from "@/lib/keys/mask";
import { withSchemaUpTo } from "../fixtures/migrations";

/**
 * The mask-rule migration (0006) on a database the previous rule filled: every stored hint becomes the mask the new
 * rule gives the key (lib/keys/mask.ts), computed from the old hint alone (the migration sees no plaintext), for
 * keys of every length from 1 to 64 characters, emoji included; a keyless endpoint's "" stays "". On whichever
 * database the suite runs on (PGlite here; PostgreSQL under `npm run test:pg`).
 */

const PREVIOUS = "0005_several_keys";

/** The rule the hints were computed by before: the first and last four of any key over 8 characters. */
function previousMask(apiKey: string): string {
  const chars = Array.from(apiKey);
  if (chars.length <= 8) return "********";
  return `${chars.slice(0, 4).join("")}${"*".repeat(chars.length - 8)}${chars.slice(-4).join("")}`;
}

const KEY_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!";
const keyOfLength = (length: number) =>
  Array.from({ length }, (_, i) => KEY_CHARACTERS[(i * 7 + length) % KEY_CHARACTERS.length]).join("");

const stored: { userId: string; apiKey: string | null; envelope: string }[] = [];

// The old schema is built and filled before anything opens the app's database (tests/setup/database.ts opens it
// in a hook before this file's tests).
const keys: (string | null)[] = [
  ...Array.from({ length: 64 }, (_, i) => keyOfLength(i + 1)),
  "Zx9-Qw7!a", // the outside review's 9-character key
  "🔑🔑🔑🔑abc🔒🔒🔒🔒",
  `sk-é${"ü".repeat(20)}-end`,
  null, // a custom endpoint saved without a key
];
await withSchemaUpTo(PREVIOUS, async (query) => {
  const providerId = randomUUID();
  await query(`insert into "ModelProvider" (id, "registryId", name) values ($1, 'migration-mask', 'Masks')`, [
    providerId,
  ]);
  for (const apiKey of keys) {
    const userId = randomUUID();
    await query(`insert into "User" (id, email, "passwordHash") values ($1, $2, 'x')`, [
      userId,
      `mask.${userId}@example.test`,
    ]);
    const { envelope, keyId } = seal(
      getKeyring(),
      apiKey ?? "",
      { userId, providerId },
      { allowEmpty: apiKey === null },
    );
    await query(
      `insert into "UserApiKey" ("userId", "providerId", "encryptedKey", "keyId", "keyHint") values ($1, $2, $3, $4, $5)`,
      [userId, providerId, envelope, keyId, apiKey === null ? "" : previousMask(apiKey)],
    );
    stored.push({ userId, apiKey, envelope });
  }
});

describe("migration 0006: masks of the new rule", () => {
  it("turns every old hint into the new rule's mask of its key, without the key, leaving the envelope alone", async () => {
    const db = await getDb();
    const rows = await db
      .select({ userId: userApiKey.userId, keyHint: userApiKey.keyHint, encryptedKey: userApiKey.encryptedKey })
      .from(userApiKey);
    const byUser = new Map(rows.map((row) => [row.userId, row]));
    for (const { userId, apiKey, envelope } of stored) {
      const row = byUser.get(userId)!;
      expect(row.keyHint, String(apiKey)).toBe(apiKey === null ? "" : maskApiKey(apiKey));
      expect(row.encryptedKey).toBe(envelope);
    }
    expect(byUser.get(stored[64]!.userId)!.keyHint).toBe("Z*******a");
    expect(stored).toHaveLength(68);
  });

  it("changed the hints of keys of 9 to 31 characters only", () => {
    const changed = stored.filter(({ apiKey }) => apiKey !== null && previousMask(apiKey) !== maskApiKey(apiKey));
    expect(new Set(changed.map(({ apiKey }) => Array.from(apiKey!).length)).size).toBe(23);
    expect(changed.every(({ apiKey }) => Array.from(apiKey!).length >= 9 && Array.from(apiKey!).length <= 31)).toBe(
      true,
    );
  });
});
