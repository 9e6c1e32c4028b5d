import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { countDecryptions, countStatements } from "@/dev/counters";
import { closeDb, getDb } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { providersJsonForSession } from "@/lib/db/provider-list-json";
import { listProviders } from "@/lib/db/providers";
import { createSession } from "@/lib/db/sessions";
import { deleteUserApiKey, getUserApiKeys, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { listedKeyViewsJson } from "@/lib/keys/view";
import { storeApiKey } from "@/lib/keys/vault";
import { createUser } from "@/lib/db/users";
import { giveKeysAtWork } from "./seed";
import { KEYRING, SETTINGS } from "./settings";

/**
 * The data layer measured in this process, on the database `env` names (the bench's PostgreSQL database, or a
 * fresh in-memory PGlite): SQL statements per operation, keys decrypted per listing, and list latency at 1k rows
 * and at SETTINGS.largeRows.
 */
export async function measureInProcess(env: Record<string, string>) {
  Object.assign(process.env, env, { API_KEY_ENCRYPTION_KEYS: KEYRING });
  const db = await getDb();
  const user = await createUser({ email: `inproc.${randomUUID()}@bench.test`, passwordHash: "x" });
  const providers = await listProviders(user.id);
  const statements = async (work: () => Promise<unknown>) => (await countStatements(work)).count;

  await storeApiKey(user.id, providers[0]!.id, "sk-test-valid-0000000000000000");
  // What the routes run: the list and the providers behind a live session, each one statement.
  const sessionId = await createSession(user.id, 3_600);
  const statementsPerOperation = {
    list: await statements(() => listedKeyViewsJson(user.id, sessionId)),
    providers: await statements(() => providersJsonForSession(user.id, sessionId)),
    upsert: await statements(() => storeApiKey(user.id, providers[0]!.id, "sk-test-valid-1111111111111111")),
    toggle: await statements(() => setUserApiKeyEnabled(user.id, providers[0]!.id, false)),
    delete: await statements(() => deleteUserApiKey(user.id, providers[0]!.id)),
  };
  await giveKeysAtWork(user.id, providers); // 5 keys for each of the 8 providers, with health and usage, like the bench's users
  const decryptions = await countDecryptions(async () => {
    for (let i = 0; i < 100; i++) await getUserApiKeys(user.id);
  });
  const decryptionsPerList = decryptions.count / 100;

  const latency = async () => {
    for (let i = 0; i < 50; i++) await getUserApiKeys(user.id);
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const started = performance.now();
      await getUserApiKeys(user.id);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[250]!, p99: samples[495]! };
  };
  const rowCount = async () => {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from "UserApiKey"`));
    return Number(row!.n);
  };
  const fill = async (rows: number) => {
    const users = Math.ceil(Math.max(0, rows - (await rowCount())) / providers.length);
    for (let done = 0; done < users; done += 10_000) {
      const batch = Math.min(10_000, users - done);
      await db.execute(sql`
        with u as (
          insert into "User" (email, "passwordHash")
          select 'filler.' || gen_random_uuid() || '@bench.test', 'x' from generate_series(1, ${batch})
          returning id
        )
        insert into "UserApiKey" ("userId", "providerId", "encryptedKey", "keyId", "keyHint")
        select u.id, p.id, 'v1.bench.' || md5(random()::text) || '.' || md5(random()::text) || '.AAAAAAAAAAAAAAAAAAAAAA', 'bench', 'sk-t********************abcd'
        from u cross join "ModelProvider" p`);
    }
    await db.execute(sql`analyze "UserApiKey"`);
  };
  await fill(1_000);
  const smallRows = await rowCount();
  const small = await latency();
  await fill(SETTINGS.largeRows);
  const largeRows = await rowCount();
  const large = await latency();
  await closeDb();
  return {
    statementsPerOperation,
    decryptionsPerList,
    listLatencyMs: {
      small: { rows: smallRows, ...small },
      large: { rows: largeRows, ...large },
      p50Ratio: large.p50 / small.p50,
      p99Ratio: large.p99 / small.p99,
    },
  };
}
