import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { countDecryptions, countStatements } from "@/dev/counters";
import { getDb } from "@/lib/db/client";
import { getDailyUsage, rebuildUsageWindow } from "@/lib/db/key-usage";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { keyEvent, keyUsage, userApiKey } from "@/lib/db/schema";
import { deleteUserApiKey, getUserApiKeys } from "@/lib/db/user-api-keys";
import { recordKeyUsage } from "@/lib/keys/usage";
import { storeApiKey } from "@/lib/keys/vault";
import { openApiKeyForUse } from "@/dev/key-vault";
import { fakeKey, insertUser } from "../fixtures/users";

/** Usage per key and day: one upsert per finished call, summed into the listing's 30-day totals. */
let openai: ProviderRecord;
let anthropic: ProviderRecord;

beforeAll(async () => {
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
});

/** A usage row dated `daysAgo` days before today (UTC), as if recorded then. */
async function backdate(apiKeyId: string, userId: string, daysAgo: number, requests: number, inputTokens: number) {
  const db = await getDb();
  await db.insert(keyUsage).values({
    apiKeyId,
    userId,
    day: sql`(now() at time zone 'utc')::date - ${daysAgo}::int`,
    requests,
    inputTokens,
    outputTokens: 0,
    errors: 0,
  });
}

describe("recording usage", () => {
  it("adds each call in one statement, and loses none of 100 concurrent recordings", async () => {
    const ada = await insertUser("ada");
    await storeApiKey(ada.id, openai.id, fakeKey());
    const key = (await openApiKeyForUse(ada.id, openai.id))!;

    const one = await countStatements(() => recordKeyUsage(ada.id, key.id, { inputTokens: 1, outputTokens: 2 }));
    expect(one).toEqual({ count: 1, result: true });
    const calls = Array.from({ length: 100 }, (_, i) =>
      recordKeyUsage(ada.id, key.id, { inputTokens: 10, outputTokens: i, failed: i % 10 === 0 }),
    );
    expect(await Promise.all(calls)).toEqual(Array(100).fill(true));

    const [row] = await getUserApiKeys(ada.id);
    expect(row!.usage).toEqual({
      requests: 101,
      inputTokens: 1001,
      outputTokens: 2 + 4950,
      errors: 10,
      costMicroUsd: 0,
    });
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    const days = await getDailyUsage(ada.id);
    expect(days).toEqual([
      expect.objectContaining({ apiKeyId: key.id, requests: 101, inputTokens: 1001, outputTokens: 4952, errors: 10 }),
    ]);
    // Usage is not an activity event: the log would drown.
    const db = await getDb();
    expect((await db.select().from(keyEvent).where(eq(keyEvent.userId, ada.id))).map((e) => e.type)).toEqual([
      "key_created",
    ]);
  });

  it("takes the AI SDK's usage as it comes: missing or nonsensical counts are zero", async () => {
    const babbage = await insertUser("babbage");
    await storeApiKey(babbage.id, openai.id, fakeKey());
    const key = (await openApiKeyForUse(babbage.id, openai.id))!;
    await recordKeyUsage(babbage.id, key.id, {});
    await recordKeyUsage(babbage.id, key.id, { inputTokens: Number.NaN, outputTokens: -5, failed: true });
    expect((await getUserApiKeys(babbage.id))[0]!.usage).toEqual({
      requests: 2,
      inputTokens: 0,
      outputTokens: 0,
      errors: 1,
      costMicroUsd: 0,
    });
  });

  it("records nothing against another user's key, or a key that is gone", async () => {
    const carol = await insertUser("carol");
    const dave = await insertUser("dave");
    await storeApiKey(carol.id, openai.id, fakeKey());
    const carols = (await openApiKeyForUse(carol.id, openai.id))!;
    expect(await recordKeyUsage(dave.id, carols.id, { inputTokens: 5 })).toBe(false);
    expect(await getDailyUsage(dave.id)).toEqual([]);
    expect((await getUserApiKeys(carol.id))[0]!.usage.requests).toBe(0);

    await recordKeyUsage(carol.id, carols.id, { inputTokens: 5 });
    await deleteUserApiKey(carol.id, openai.id);
    expect(await recordKeyUsage(carol.id, carols.id, { inputTokens: 5 })).toBe(false);
    expect(await getDailyUsage(carol.id)).toEqual([]); // the key's usage went with it
  });
});

describe("the listing's 30-day totals", () => {
  it("sum the last 30 UTC days per key, still in one statement that decrypts nothing", async () => {
    const erin = await insertUser("erin");
    await storeApiKey(erin.id, openai.id, fakeKey());
    await storeApiKey(erin.id, anthropic.id, fakeKey());
    const [a, b] = [(await openApiKeyForUse(erin.id, openai.id))!, (await openApiKeyForUse(erin.id, anthropic.id))!];
    await backdate(a.id, erin.id, 29, 3, 300); // the window's first day
    await backdate(a.id, erin.id, 30, 7, 700); // a day too old
    await backdate(b.id, erin.id, 1, 2, 20);
    await recordKeyUsage(erin.id, b.id, { inputTokens: 1 }); // a recording rebuilds the key's totals from its rows
    expect(await rebuildUsageWindow(erin.id, a.id)).toBe(true); // rows written behind its back: rebuilt on demand

    const listed = await countDecryptions(() => countStatements(() => getUserApiKeys(erin.id)));
    expect(listed.count).toBe(0);
    expect(listed.result.count).toBe(1);
    const byProvider = Object.fromEntries(listed.result.result.map((row) => [row.providerId, row.usage]));
    expect(byProvider[openai.id]).toEqual({
      requests: 3,
      inputTokens: 300,
      outputTokens: 0,
      errors: 0,
      costMicroUsd: 0,
    });
    expect(byProvider[anthropic.id]).toEqual({
      requests: 3,
      inputTokens: 21,
      outputTokens: 0,
      errors: 0,
      costMicroUsd: 0,
    });
    expect((await getDailyUsage(erin.id)).map((d) => d.requests)).toEqual([3, 2, 1]);
  });

  it("let days leave the window on later days without a recording: exact on each day, zero after 30", async () => {
    const frank = await insertUser("frank");
    await storeApiKey(frank.id, openai.id, fakeKey());
    const key = (await openApiKeyForUse(frank.id, openai.id))!;
    for (const [daysAgo, requests] of [
      [29, 1],
      [28, 2],
      [27, 4],
      [10, 8],
    ] as const)
      await backdate(key.id, frank.id, daysAgo, requests, requests * 10);
    await recordKeyUsage(frank.id, key.id, { inputTokens: 160 }); // today: 1 request
    const total = async () => (await getUserApiKeys(frank.id))[0]!.usage;
    expect(await total()).toEqual({ requests: 16, inputTokens: 310, outputTokens: 0, errors: 0, costMicroUsd: 0 });

    // As if the totals had been written `days` days ago and nothing recorded since: the oldest days drop out.
    const db = await getDb();
    const writtenDaysAgo = (days: number) =>
      db
        .update(userApiKey)
        .set({ usageThrough: sql`(now() at time zone 'utc')::date - ${days}::int` })
        .where(eq(userApiKey.id, key.id));
    const expected: [number, number][] = [
      [1, 15],
      [2, 13],
      [3, 9],
      [19, 9],
      [20, 1],
      [29, 1],
      [30, 0],
      [400, 0],
    ];
    for (const [days, requests] of expected) {
      await writtenDaysAgo(days);
      expect((await total()).requests, `written ${days} days ago`).toBe(requests);
    }
  });
});
