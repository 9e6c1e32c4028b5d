import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { closeDb, describeDatabaseTarget, getDb } from "@/lib/db/client";
import { listBuiltInProviders } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import { createUser } from "@/lib/db/users";
import { storeApiKey } from "@/lib/keys/vault";

/**
 * A sample for trying `npm run keys:check` against the fake providers: SAMPLE_KEYS keys (default 20) spread over
 * every provider and a few users, all recorded as working two days ago, whose behaviour words (dev/fake-providers/
 * behaviours.ts) make some of them come back rejected, limited or unreachable. Prints nothing secret.
 *
 *   npx tsx --conditions=react-server dev/seed-sample-keys.ts
 */
const total = Number(process.env.SAMPLE_KEYS ?? 20);
const BEHAVIOURS = ["valid", "valid", "valid", "invalid", "valid", "limited", "valid", "error500", "valid", "nocredit"];

const providers = await listBuiltInProviders();
const db = await getDb();
let made = 0;
for (let u = 0; made < total; u++) {
  const user = await createUser({
    email: `sample${u}.${randomUUID().slice(0, 6)}@example.test`,
    passwordHash: "not-a-real-hash",
  });
  for (const provider of providers) {
    if (made === total) break;
    const behaviour = BEHAVIOURS[made % BEHAVIOURS.length];
    await storeApiKey(user.id, provider.id, `sk-test-${behaviour}-${randomUUID().replaceAll("-", "")}`, {
      health: "ok",
      message: "Verified.",
    });
    await db
      .update(userApiKey)
      .set({ healthCheckedAt: sql`now() - interval '2 days'`, lastValidatedAt: sql`now() - interval '2 days'` })
      .where(and(eq(userApiKey.userId, user.id), eq(userApiKey.providerId, provider.id)));
    made++;
  }
}
console.log(`Seeded ${made} keys over ${providers.length} providers into ${describeDatabaseTarget()}.`);
await closeDb();
