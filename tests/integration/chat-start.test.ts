import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { countStatements } from "@/dev/counters";
import { startChat } from "@/lib/db/chat-start";
import { getDb } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { createEndpoint } from "@/lib/db/endpoints";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { rateLimit, userApiKey } from "@/lib/db/schema";
import { createSession, revokeSessions } from "@/lib/db/sessions";
import { setFallback } from "@/lib/keys/service";
import { storeApiKey } from "@/lib/keys/vault";
import { fakeKey, insertUser, unpricedHold } from "../fixtures/users";

/**
 * The playground's one statement before its provider is asked (lib/db/chat-start.ts): session, limit, provider
 * and keys together, and nothing spent, read or stamped that the answer's order (401, 429, 404) would refuse.
 */
let openai: ProviderRecord;
let anthropic: ProviderRecord;
const limitOf = (userId: string, points = 3) => ({ key: `chat:${userId}`, points, windowSeconds: 60 });

beforeAll(async () => {
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
});

async function pointsSpent(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db
    .select({ points: rateLimit.points })
    .from(rateLimit)
    .where(eq(rateLimit.key, `chat:${userId}`));
  return row?.points ?? 0;
}

async function lastUsed(userId: string, label: string): Promise<Date | null> {
  const db = await getDb();
  const [row] = await db
    .select({ lastUsedAt: userApiKey.lastUsedAt })
    .from(userApiKey)
    .where(and(eq(userApiKey.userId, userId), eq(userApiKey.label, label)));
  return row!.lastUsedAt;
}

/** A user with a live session and three OpenAI keys: First, Second (disabled), Third. */
async function userWithKeys(name: string) {
  const user = await insertUser(name);
  const sessionId = await createSession(user.id, 3_600);
  const first = fakeKey();
  const third = fakeKey();
  await storeApiKey(user.id, openai.id, first, null, { label: "First" });
  const second = await storeApiKey(user.id, openai.id, fakeKey(), null, { label: "Second" });
  await storeApiKey(user.id, openai.id, third, null, { label: "Third" });
  const db = await getDb();
  await db.update(userApiKey).set({ isEnabled: false }).where(eq(userApiKey.id, second.id));
  return { user, sessionId };
}

describe("the playground's statement before the provider", () => {
  it("in one statement: the session is live, one point spent, the provider, its usable keys in order, the first stamped", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    const counted = await countStatements(() =>
      startChat(user.id, sessionId, openai.id, limitOf(user.id), unpricedHold()),
    );
    expect(counted.count).toBe(1);
    const start = counted.result;
    expect(start.live).toBe(true);
    expect(start.limit).toMatchObject({ points: 1 });
    expect(start.limit!.resetInSeconds).toBeGreaterThan(0);
    expect(start.limit!.resetInSeconds).toBeLessThanOrEqual(60);
    expect(start.provider).toEqual({
      id: openai.id,
      registryId: "openai",
      name: openai.name,
      description: openai.description,
    });
    expect(start.keys.map((k) => k.label)).toEqual(["First", "Third"]);
    expect(start.keys[0]!.encryptedKey).toMatch(/\S/);
    expect(await lastUsed(user.id, "First")).toBeInstanceOf(Date);
    expect(await lastUsed(user.id, "Third")).toBeNull();
    expect(await pointsSpent(user.id)).toBe(1);
  });

  it("its commit does not wait for the disk, for its own transaction only: the connection's setting is untouched", async () => {
    const { user, sessionId } = await userWithKeys("bob");
    const db = await getDb();
    // One connection on PGlite; on PostgreSQL the pool's, each asked in turn below.
    const before = await db.execute(sql`show synchronous_commit`);
    expect((await startChat(user.id, sessionId, openai.id, limitOf(user.id), unpricedHold())).live).toBe(true);
    const after = await Promise.all(Array.from({ length: 12 }, () => db.execute(sql`show synchronous_commit`)));
    for (const rows of [before, ...after]) expect(rowsOf(rows)).toEqual([{ synchronous_commit: "on" }]);
  });

  it("'Always use my first key': only the first usable key", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    await setFallback(user.id, openai.id, false);
    const start = await startChat(user.id, sessionId, openai.id, limitOf(user.id), unpricedHold());
    expect(start.keys.map((k) => k.label)).toEqual(["First"]);
  });

  it("an ended session: nothing spent, read or stamped", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    await revokeSessions(user.id);
    const start = await startChat(user.id, sessionId, openai.id, limitOf(user.id), unpricedHold());
    expect(start).toEqual({
      live: false,
      limit: null,
      provider: null,
      keys: [],
      pricing: { userPrice: null, holdMicroUsd: 0 },
    });
    expect(await pointsSpent(user.id)).toBe(0);
    expect(await lastUsed(user.id, "First")).toBeNull();
    // Another user's session id is not this user's either.
    const babbage = await insertUser("babbage");
    const theirs = await createSession(babbage.id, 3_600);
    expect((await startChat(user.id, theirs, openai.id, limitOf(user.id), unpricedHold())).live).toBe(false);
    expect(await pointsSpent(user.id)).toBe(0);
  });

  it("over the limit: the point is counted, no key read or stamped", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    for (let i = 1; i <= 2; i++)
      expect(
        (await startChat(user.id, sessionId, anthropic.id, limitOf(user.id, 2), unpricedHold())).limit!.points,
      ).toBe(i);
    const over = await startChat(user.id, sessionId, openai.id, limitOf(user.id, 2), unpricedHold());
    expect(over.limit!.points).toBe(3);
    expect(over.keys).toEqual([]);
    expect(await lastUsed(user.id, "First")).toBeNull();
  });

  it("no such provider, a malformed id, another user's endpoint: no provider, the point still spent", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    const babbage = await insertUser("babbage");
    const theirs = await createEndpoint(babbage.id, { name: "Babbage's", baseUrl: "https://llm.example.com/v1" });
    for (const providerId of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", theirs!.id]) {
      const start = await startChat(user.id, sessionId, providerId, limitOf(user.id, 10), unpricedHold());
      expect(start.live).toBe(true);
      expect(start.provider).toBeNull();
      expect(start.keys).toEqual([]);
    }
    expect(await pointsSpent(user.id)).toBe(3);
    // The owner finds their endpoint.
    const own = await startChat(
      babbage.id,
      await createSession(babbage.id, 3_600),
      theirs!.id,
      limitOf(babbage.id),
      unpricedHold(),
    );
    expect(own.provider).toMatchObject({ id: theirs!.id, registryId: "custom", baseUrl: "https://llm.example.com/v1" });
  });

  it("20 concurrent starts count 20 points", async () => {
    const { user, sessionId } = await userWithKeys("ada");
    const starts = await Promise.all(
      Array.from({ length: 20 }, () => startChat(user.id, sessionId, openai.id, limitOf(user.id, 100), unpricedHold())),
    );
    expect(starts.map((s) => s.limit!.points).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await pointsSpent(user.id)).toBe(20);
  });
});
