import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { closeDb, getDb } from "@/lib/db/client";
import { recordHealth } from "@/lib/db/key-health";
import { rebuildUsageWindow } from "@/lib/db/key-usage";
import { listProviders, type ProviderRecord } from "@/lib/db/providers";
import { createUser } from "@/lib/db/users";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { KEYRING, SETTINGS } from "./settings";

export const KEYS_PER_USER = 5;
export const BENCH_PASSWORD = "bench-password-1";
/** The key the validated-upsert run saves for the first provider, which the streaming run then chats with. */
export const BENCH_CHAT_KEY = "sk-test-valid-bench-key-000000000000";

/**
 * The bench's users, written straight into the database the app will serve (`env`) before it starts (PGlite
 * allows one process per folder): each with a key for the first five providers, every key with a health other
 * than `unchecked` and 30 days of usage, so the list the bench loads carries everything a real one does.
 */
export async function seedBenchUsers(env: Record<string, string>): Promise<{ emails: string[]; providers: ProviderRecord[] }> {
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

/** Keys for the first five providers, each with a health (recorded as a re-check would) and 30 days of usage. */
export async function giveKeysAtWork(userId: string, providers: ProviderRecord[]): Promise<void> {
  const db = await getDb();
  for (const [k, provider] of providers.slice(0, KEYS_PER_USER).entries()) {
    const stored = await storeApiKey(userId, provider.id, `sk-test-valid-${randomUUID()}`, { health: "ok", message: "Verified." });
    const { sealed } = (await openStoredApiKey(userId, provider.id))!;
    await recordHealth({ userId, providerId: provider.id, encryptedKey: sealed }, { health: HEALTHS[k]!, message: "Checked.", source: "recheck" });
    await db.execute(sql`
      insert into "KeyUsage" ("apiKeyId", "userId", "day", "requests", "inputTokens", "outputTokens", "errors")
      select ${stored.id}::uuid, ${userId}::uuid, (now() at time zone 'utc')::date - d, 1 + d % 7, 300 * (1 + d % 7), 90 * (1 + d % 7), d % 5 / 4
      from generate_series(0, 29) as d`);
    await rebuildUsageWindow(userId, stored.id); // history written behind the recorder's back
  }
}
