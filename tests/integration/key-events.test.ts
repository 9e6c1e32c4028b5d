import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { countStatements } from "@/dev/counters";
import { getDb } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { accountEventCte, listKeyEvents } from "@/lib/db/key-events";
import { recordHealth } from "@/lib/db/key-health";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { keyEvent, user, userApiKey } from "@/lib/db/schema";
import { deleteUserApiKey, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { createSession, isSessionLive, revokeSessions } from "@/lib/db/sessions";
import { getPasswordCheck, type PublicUser, replacePasswordHash } from "@/lib/db/users";
import { getActivityPage } from "@/lib/keys/activity";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { keyringEntry } from "../fixtures/keyring";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The activity log: every change to a key writes its event in the same statement, a statement that changes
 * nothing writes none, and no event ever holds key material.
 */
let openai: ProviderRecord;
let anthropic: ProviderRecord;
const plaintexts: string[] = [];
const masks: string[] = [];

function key(): string {
  const k = fakeKey();
  plaintexts.push(k);
  return k;
}

async function eventsOf(person: PublicUser) {
  const db = await getDb();
  return db.select().from(keyEvent).where(eq(keyEvent.userId, person.id)).orderBy(keyEvent.id);
}

async function typesOf(person: PublicUser) {
  return (await eventsOf(person)).map((e) => e.type);
}

beforeAll(async () => {
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
});

describe("every key change writes its event in the same statement", () => {
  it("create, replace, disable, enable, test, health change, delete: one statement and one event each", async () => {
    const ada = await insertUser("ada");
    const created = await countStatements(() =>
      storeApiKey(ada.id, openai.id, key(), { health: "ok", message: "Verified." }),
    );
    masks.push(created.result.keyHint);
    expect(created.count).toBe(1);
    const replaced = await countStatements(() => storeApiKey(ada.id, openai.id, key()));
    masks.push(replaced.result.keyHint);
    expect(replaced.count).toBe(1);
    expect((await countStatements(() => setUserApiKeyEnabled(ada.id, openai.id, false))).count).toBe(1);
    expect((await countStatements(() => setUserApiKeyEnabled(ada.id, openai.id, true))).count).toBe(1);
    const { sealed } = (await openStoredApiKey(ada.id, openai.id))!;
    const checked = { userId: ada.id, providerId: openai.id, encryptedKey: sealed };
    const tested = await countStatements(() =>
      recordHealth(checked, { health: "rejected", message: "Rejected.", source: "test", tested: true }),
    );
    expect(tested).toEqual({ count: 1, result: { previous: "unchecked", health: "rejected" } });
    expect((await countStatements(() => deleteUserApiKey(ada.id, openai.id))).count).toBe(1);

    const events = await eventsOf(ada);
    expect(events.map((e) => [e.type, e.providerId, e.detail])).toEqual([
      ["key_created", openai.id, { checked: true, health: "ok", label: "Default" }],
      ["key_replaced", openai.id, { checked: false, health: "unchecked", label: "Default" }],
      ["key_disabled", openai.id, { label: "Default" }],
      ["key_enabled", openai.id, { label: "Default" }],
      ["key_tested", openai.id, { health: "rejected", label: "Default" }],
      ["key_health_changed", openai.id, { from: "unchecked", to: "rejected", source: "test", label: "Default" }],
      ["key_deleted", openai.id, { label: "Default" }],
    ]);
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set([ada.id]));
  });

  it("writes nothing for a statement that changes nothing", async () => {
    const babbage = await insertUser("babbage");
    await storeApiKey(babbage.id, openai.id, key(), { health: "ok", message: "Verified." });
    const before = await typesOf(babbage);

    await setUserApiKeyEnabled(babbage.id, openai.id, true); // already enabled
    expect(await deleteUserApiKey(babbage.id, anthropic.id)).toBe(false); // no such key
    expect(await setUserApiKeyEnabled(babbage.id, anthropic.id, false)).toBeNull();
    const { sealed } = (await openStoredApiKey(babbage.id, openai.id))!;
    const checked = { userId: babbage.id, providerId: openai.id, encryptedKey: sealed };
    expect(await recordHealth(checked, { health: "ok", message: "Verified.", source: "recheck" })).toEqual({
      previous: "ok",
      health: "ok",
    }); // same health
    expect(
      await recordHealth(
        { ...checked, encryptedKey: `${sealed}x` },
        { health: "rejected", message: "No.", source: "recheck" },
      ),
    ).toBeNull();
    // A save that fails (no such provider) leaves neither a key nor an event.
    await expect(storeApiKey(babbage.id, randomUUID(), key())).rejects.toMatchObject({ code: "provider_not_found" });

    expect(await typesOf(babbage)).toEqual(before);
    expect(before).toEqual(["key_created"]);
  });

  it("logs one change when concurrent toggles race (the previous state is read under the row lock)", async () => {
    const carol = await insertUser("carol");
    await storeApiKey(carol.id, openai.id, key());
    const results = await Promise.all(
      Array.from({ length: 20 }, () => setUserApiKeyEnabled(carol.id, openai.id, false)),
    );
    expect(results.every((row) => row?.isEnabled === false)).toBe(true);
    expect(await typesOf(carol)).toEqual(["key_created", "key_disabled"]);
  });

  it("logs one key_rotated per re-encrypted row, in the batch's own statement", async () => {
    const dave = await insertUser("dave");
    await storeApiKey(dave.id, openai.id, key());
    await storeApiKey(dave.id, anthropic.id, key());
    const original = process.env.API_KEY_ENCRYPTION_KEYS!;
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `${keyringEntry("next")},${original}`);
    try {
      const result = await rotateApiKeys({ batchSize: 1000 });
      expect(result.rotated).toBeGreaterThanOrEqual(2);
    } finally {
      vi.stubEnv("API_KEY_ENCRYPTION_KEYS", original);
    }
    const rotated = (await eventsOf(dave)).filter((e) => e.type === "key_rotated");
    expect(rotated.map((e) => e.providerId).sort()).toEqual([openai.id, anthropic.id].sort());
  });
});

describe("account events (written by the account code in the change's own statement)", () => {
  it("sign-in, password change and sign-out everywhere each write one, in one statement; a change refused writes none", async () => {
    const erin = await insertUser("erin");
    const signIn = await countStatements(() => createSession(erin.id, 3_600));
    expect(signIn.count).toBe(1);
    const other = await createSession(erin.id, 3_600);
    const hash = (await getPasswordCheck(erin.id))!.passwordHash;
    // A hash that changed meanwhile: nothing changes, no event.
    expect(await replacePasswordHash(erin.id, "not-the-hash", "next-hash", signIn.result)).toBe(false);
    const change = await countStatements(() => replacePasswordHash(erin.id, hash, "next-hash", signIn.result));
    expect(change).toEqual({ result: true, count: 1 });
    expect(await isSessionLive(erin.id, other)).toBe(false);
    const revoke = await countStatements(() => revokeSessions(erin.id));
    expect(revoke).toEqual({ result: 1, count: 1 });
    expect(await typesOf(erin)).toEqual(["signed_in", "signed_in", "password_changed", "sessions_revoked"]);
    expect((await eventsOf(erin)).every((e) => e.providerId === null && JSON.stringify(e.detail) === "{}")).toBe(true);
  });

  it("a statement of one's own making can add one as a CTE", async () => {
    const fay = await insertUser("fay");
    const db = await getDb();
    await db
      .with(accountEventCte(db, "e", fay.id, "signed_in"))
      .select({ id: user.id })
      .from(user)
      .where(eq(user.id, fay.id));
    expect(await typesOf(fay)).toEqual(["signed_in"]);
  });
});

describe("reading the log", () => {
  it("pages newest first with a cursor, each user seeing only their own", async () => {
    const frank = await insertUser("frank");
    const grace = await insertUser("grace");
    await storeApiKey(grace.id, openai.id, key());
    for (let i = 0; i < 23; i++) await setUserApiKeyEnabled(frank.id, openai.id, i % 2 === 0); // no key: no events
    await storeApiKey(frank.id, openai.id, key());
    for (let i = 0; i < 24; i++) await setUserApiKeyEnabled(frank.id, openai.id, i % 2 === 1);
    const all = (await eventsOf(frank)).reverse();
    expect(all).toHaveLength(25);

    const first = await getActivityPage(frank.id);
    expect(first.events.map((e) => e.id)).toEqual(all.slice(0, 20).map((e) => String(e.id)));
    expect(first.events[0]).toMatchObject({ type: "key_enabled", providerId: openai.id, at: expect.any(String) });
    expect(first.nextCursor).toBe(first.events.at(-1)!.id);
    const second = await getActivityPage(frank.id, first.nextCursor!);
    expect(second.events.map((e) => e.id)).toEqual(all.slice(20).map((e) => String(e.id)));
    expect(second.events.at(-1)!.type).toBe("key_created");
    expect(second.nextCursor).toBeNull();

    expect((await getActivityPage(grace.id)).events.map((e) => e.type)).toEqual(["key_created"]);
    expect(await listKeyEvents(grace.id, { before: Number(first.events[0]!.id) + 1, limit: 50 })).toHaveLength(1);
  });

  it("goes with the user", async () => {
    const heidi = await insertUser("heidi");
    await storeApiKey(heidi.id, openai.id, key());
    const db = await getDb();
    await db.delete(user).where(eq(user.id, heidi.id));
    expect(await eventsOf(heidi)).toEqual([]);
  });
});

describe("event details", () => {
  it("never hold a key, any part of one, or its mask", async () => {
    const db = await getDb();
    const dump = JSON.stringify(await db.select().from(keyEvent));
    const stored = JSON.stringify(await db.select({ hint: userApiKey.keyHint }).from(userApiKey));
    expect(plaintexts.length).toBeGreaterThanOrEqual(10);
    for (const plaintext of plaintexts) expect(dump).not.toContain(plaintext.slice(4, -4));
    for (const mask of masks) expect(dump).not.toContain(mask);
    expect(stored).toContain("*"); // the masks exist, in the key table only
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from "KeyEvent" where detail::text like '%***%'`),
    );
    expect(row).toMatchObject({ n: 0 });
  });
});
