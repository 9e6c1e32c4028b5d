import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { closeDb, getDb } from "@/lib/db/client";
import { listBuiltInProviders } from "@/lib/db/providers";
import { keyUsage } from "@/lib/db/schema";
import { setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { createUser } from "@/lib/db/users";
import { recordKeyHealth } from "@/lib/keys/health";
import { recordKeyUsage } from "@/lib/keys/usage";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { openApiKeyForUse } from "./key-vault";

/**
 * An account with keys at work, for the browser tests and for looking at the settings page by hand: an OpenAI key
 * with 30 days of usage, an Anthropic key its provider rejected (found by a re-check), a limited Google key, a
 * disabled DeepSeek key. The keys carry fake-provider behaviour words (dev/fake-providers/behaviours.ts), so the
 * fake providers answer for them as the page says. Runs against the database the environment names, before the
 * app starts (PGlite allows one process per folder):
 *
 *   DEMO_EMAIL=demo@example.test DEMO_PASSWORD=… npx tsx --conditions=react-server dev/seed-demo-account.ts
 */
const email = process.env.DEMO_EMAIL;
const password = process.env.DEMO_PASSWORD;
if (!email || !password) throw new Error("Set DEMO_EMAIL and DEMO_PASSWORD.");

const user = await createUser({ email, passwordHash: await hashPassword(password), name: "Demo" });
const providers = Object.fromEntries((await listBuiltInProviders()).map((p) => [p.registryId, p]));
const suffix = () => crypto.randomUUID().replaceAll("-", "");

await storeApiKey(user.id, providers.openai!.id, `sk-test-valid-${suffix()}`, {
  health: "ok",
  message: "Verified with OpenAI: the key can list models.",
});
const openai = (await openApiKeyForUse(user.id, providers.openai!.id))!;
const db = await getDb();
// 29 days of history, busier on weekdays, a few failures; then today's calls through the app's own recorder.
for (let daysAgo = 29; daysAgo >= 1; daysAgo--) {
  const requests = daysAgo % 7 < 2 ? daysAgo % 3 : 4 + ((daysAgo * 7) % 9);
  if (requests === 0) continue;
  await db.insert(keyUsage).values({
    apiKeyId: openai.id,
    userId: user.id,
    day: sql`(now() at time zone 'utc')::date - ${daysAgo}::int`,
    requests,
    inputTokens: requests * 310,
    outputTokens: requests * 95,
    errors: daysAgo % 10 === 0 ? 1 : 0,
  });
}
for (let i = 0; i < 6; i++)
  await recordKeyUsage(user.id, openai.id, { inputTokens: 420, outputTokens: 130, failed: i === 5 });

await storeApiKey(user.id, providers.anthropic!.id, `sk-test-invalid-${suffix()}`, {
  health: "ok",
  message: "Verified with Anthropic: the key can list models.",
});
const anthropic = (await openStoredApiKey(user.id, providers.anthropic!.id))!;
await recordKeyHealth(
  { userId: user.id, providerId: providers.anthropic!.id, encryptedKey: anthropic.sealed },
  { status: "invalid", message: "Anthropic rejected this key." },
  "recheck",
);

await storeApiKey(user.id, providers.google!.id, `sk-test-limited-${suffix()}`, {
  health: "limited",
  message: "Google Gemini recognised this key but is rate-limiting it right now.",
});
await storeApiKey(user.id, providers.deepseek!.id, `sk-test-valid-${suffix()}`);
await setUserApiKeyEnabled(user.id, providers.deepseek!.id, false);

await closeDb();
console.log(`Seeded ${email}: 4 keys, 30 days of OpenAI usage, a rejected Anthropic key.`);
