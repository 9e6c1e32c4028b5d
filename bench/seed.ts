import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { closeDb, getDb } from "@/lib/db/client";
import { recordHealth } from "@/lib/db/key-health";
import { rebuildUsageWindow } from "@/lib/db/key-usage";
import { listProviders, type ProviderRecord } from "@/lib/db/providers";
import { createUser } from "@/lib/db/users";
import { storeApiKey } from "@/lib/keys/vault";
import { openStoredApiKeyById } from "@/dev/key-vault";
import { KEYRING, SETTINGS } from "./settings";

/** Several keys per provider, for every provider of the catalogue: the list the bench loads is a full one. */
export const KEYS_PER_PROVIDER = Number(process.env.BENCH_KEYS_PER_PROVIDER ?? 5);
export const PROVIDERS_PER_USER = 8;
export const KEYS_PER_USER = KEYS_PER_PROVIDER * PROVIDERS_PER_USER;
export const BENCH_PASSWORD = "bench-password-1";
/** The key the validated-upsert run saves for the first provider, which the streaming run then chats with. */
export const BENCH_CHAT_KEY = "sk-test-valid-bench-key-000000000000";

/**
 * The bench's users, written straight into the database the app will serve (`env`) before it starts (PGlite
 * allows one process per folder): each with KEYS_PER_PROVIDER labelled keys for each of the eight providers, every
 * key with a health other than `unchecked` and 30 days of usage, so the list the bench loads carries everything a
 * real one does, at the most keys a user can hold.
 */
export async function seedBenchUsers(
  env: Record<string, string>,
): Promise<{ emails: string[]; providers: ProviderRecord[] }> {
  Object.assign(process.env, env, { API_KEY_ENCRYPTION_KEYS: KEYRING });
  const providers = await listProviders("");
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const emails: string[] = [];
  for (let i = 0; i < SETTINGS.users; i++) {
    const user = await createUser({ email: `u${i}.${randomUUID().slice(0, 6)}@bench.test`, passwordHash });
    emails.push(user.email);
    await giveKeysAtWork(user.id, providers);
  }
  await closeDb();
  return { emails, providers };
}

const HEALTHS = ["ok", "ok", "limited", "rejected", "unreachable"] as const;

/** Labelled keys for each provider, each with a health (recorded as a re-check would) and 30 days of usage. */
export async function giveKeysAtWork(userId: string, providers: ProviderRecord[]): Promise<void> {
  for (const [k, provider] of providers.slice(0, PROVIDERS_PER_USER).entries()) {
    for (let n = 0; n < KEYS_PER_PROVIDER; n++) {
      const label = n === 0 ? "Default" : `Key ${n + 1}`;
      const stored = await storeApiKey(
        userId,
        provider.id,
        `sk-test-valid-${randomUUID()}`,
        { health: "ok", message: "Verified." },
        { label },
      );
      const { sealed } = (await openStoredApiKeyById(userId, stored.id))!;
      const checked = { userId, providerId: provider.id, encryptedKey: sealed, id: stored.id };
      await recordHealth(checked, {
        health: HEALTHS[(k + n) % HEALTHS.length]!,
        message: "Checked.",
        source: "recheck",
      });
      await giveUsage(userId, stored.id);
    }
  }
}

/** 30 days of usage for one key. */
async function giveUsage(userId: string, keyId: string): Promise<void> {
  const db = await getDb();
  await db.execute(sql`
    insert into "KeyUsage" ("apiKeyId", "userId", "day", "requests", "inputTokens", "outputTokens", "errors")
    select ${keyId}::uuid, ${userId}::uuid, (now() at time zone 'utc')::date - d, 1 + d % 7, 300 * (1 + d % 7), 90 * (1 + d % 7), d % 5 / 4
    from generate_series(0, 29) as d`);
  await rebuildUsageWindow(userId, keyId); // history written behind the recorder's back
}
