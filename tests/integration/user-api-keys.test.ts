import { randomUUID } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { countDecryptions, countStatements } from "@/dev/counters";
import { getDb, QUERY_CHANNEL } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { getProviderByRegistryId, listProviders, type ProviderRecord } from "@/lib/db/providers";
import { modelProvider, user, userApiKey } from "@/lib/db/schema";
import {
  deleteUserApiKey,
  getUserApiKeyForProvider,
  getUserApiKeys,
  setUserApiKeyEnabled,
} from "@/lib/db/user-api-keys";
import { recordHealth } from "@/lib/db/key-health";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { toKeyView } from "@/lib/keys/view";
import type { PublicUser } from "@/lib/db/users";
import { AppError, KeyDecryptionError } from "@/lib/errors";
import { fakeKey, insertUser } from "../fixtures/users";

let ada: PublicUser;
let babbage: PublicUser;
let openai: ProviderRecord;
let anthropic: ProviderRecord;
const plaintexts: string[] = [];

function key(): string {
  const k = fakeKey();
  plaintexts.push(k);
  return k;
}

async function rowOf(userId: string, providerId: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(userApiKey)
    .where(sql`${userApiKey.userId} = ${userId} and ${userApiKey.providerId} = ${providerId}`);
  return row;
}

beforeAll(async () => {
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
});

describe("provider seed", () => {
  it("holds the whole catalogue once, in order", async () => {
    const providers = await listProviders(ada.id);
    expect(providers.map((p) => p.registryId)).toEqual([
      "openai",
      "anthropic",
      "google",
      "mistral",
      "groq",
      "xai",
      "deepseek",
      "openrouter",
    ]);
  });

  it("is idempotent: seeding again keeps ids and adds no rows", async () => {
    const before = await listProviders(ada.id);
    const { seedProviders } = await import("@/lib/db/seed");
    await seedProviders(await getDb());
    expect(await listProviders(ada.id)).toEqual(before);
  });
});

describe("storing a key (lib/keys/vault.ts → upsertUserApiKey)", () => {
  it("inserts, then updates the same row in place, in one statement each", async () => {
    const first = key();
    const inserted = await countStatements(() => storeApiKey(ada.id, openai.id, first));
    expect(inserted.count).toBe(1);
    expect(toKeyView(inserted.result)).toMatchObject({ providerId: openai.id, isEnabled: true, needsReentry: false });
    expect(inserted.result.keyHint).toBe(`${first.slice(0, 4)}${"*".repeat(first.length - 8)}${first.slice(-4)}`);

    await setUserApiKeyEnabled(ada.id, openai.id, false);
    const second = key();
    const updated = await countStatements(() =>
      storeApiKey(ada.id, openai.id, second, { health: "ok", message: "Verified." }),
    );
    expect(updated.count).toBe(1);
    expect(updated.result.id).toBe(inserted.result.id);
    expect(updated.result.createdAt).toEqual(inserted.result.createdAt);
    expect(updated.result.updatedAt.getTime()).toBeGreaterThanOrEqual(inserted.result.updatedAt.getTime());
    expect(updated.result.isEnabled).toBe(true);
    expect(updated.result.lastValidatedAt).toBeInstanceOf(Date);
    expect(updated.result).toMatchObject({
      health: "ok",
      healthMessage: "Verified.",
      healthCheckedAt: expect.any(Date),
    });
    expect((await openStoredApiKey(ada.id, openai.id))?.apiKey).toBe(second);
  });

  it("keeps exactly one row under 50 concurrent saves of one (user, provider)", async () => {
    const carol = await insertUser("carol");
    const keys = Array.from({ length: 50 }, key);
    const results = await Promise.allSettled(keys.map((k) => storeApiKey(carol.id, openai.id, k)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const db = await getDb();
    const rows = await db.select().from(userApiKey).where(eq(userApiKey.userId, carol.id));
    expect(rows).toHaveLength(1);
    expect(keys).toContain((await openStoredApiKey(carol.id, openai.id))!.apiKey);
  });

  it("answers provider_not_found for an unknown or malformed provider id, saving nothing", async () => {
    for (const providerId of [randomUUID(), "not-a-uuid", "", '\'; drop table "UserApiKey"; --']) {
      await expect(storeApiKey(ada.id, providerId, key())).rejects.toMatchObject({ code: "provider_not_found" });
    }
    expect((await getUserApiKeys(ada.id)).map((k) => k.providerId)).toEqual([openai.id]);
  });

  it("refuses a user that does not exist", async () => {
    await expect(storeApiKey(randomUUID(), openai.id, key())).rejects.toBeInstanceOf(AppError);
  });
});

describe("listing", () => {
  it("returns masked metadata in one statement and decrypts nothing", async () => {
    await storeApiKey(babbage.id, anthropic.id, key());
    const decrypted = await countDecryptions(() => countStatements(() => getUserApiKeys(babbage.id)));
    const { result, count } = decrypted.result;
    expect(count).toBe(1);
    expect(decrypted.count).toBe(0);
    // The counter does see a decryption when there is one.
    expect((await countDecryptions(() => openStoredApiKey(babbage.id, anthropic.id))).count).toBe(1);
    expect(result).toHaveLength(1);
    expect(Object.keys(toKeyView(result[0]!)).sort()).toEqual(
      [
        "apiKey",
        "budget",
        "createdAt",
        "health",
        "healthCheckedAt",
        "healthMessage",
        "id",
        "isEnabled",
        "label",
        "position",
        "expiresAt",
        "lastUsedAt",
        "lastValidatedAt",
        "needsReentry",
        "providerId",
        "updatedAt",
      ].sort(),
    );
    expect(result[0]!.usage).toEqual({ requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 });
    expect(result[0]!.keyHint).toMatch(/^sk-t\*+.{4}$/);
  });
});

describe("isolation between users", () => {
  it("keeps every function scoped to its user", async () => {
    await storeApiKey(ada.id, anthropic.id, key());
    const babbageBefore = await getUserApiKeys(babbage.id);

    expect((await getUserApiKeys(ada.id)).every((k) => k.providerId !== undefined)).toBe(true);
    expect(babbageBefore.map((k) => k.id)).not.toContain((await getUserApiKeyForProvider(ada.id, anthropic.id))!.id);
    // Babbage has no OpenAI key: he can neither read, toggle, stamp nor delete Ada's.
    expect(await getUserApiKeyForProvider(babbage.id, openai.id)).toBeNull();
    expect(await openStoredApiKey(babbage.id, openai.id)).toBeNull();
    expect(await setUserApiKeyEnabled(babbage.id, openai.id, false)).toBeNull();
    const adasSealed = (await openStoredApiKey(ada.id, openai.id))!.sealed;
    const verdict = { health: "rejected", message: "Rejected.", source: "test" } as const;
    expect(
      await recordHealth({ userId: babbage.id, providerId: openai.id, encryptedKey: adasSealed }, verdict),
    ).toBeNull();
    expect(await deleteUserApiKey(babbage.id, openai.id)).toBe(false);
    expect(await getUserApiKeyForProvider(ada.id, openai.id)).toMatchObject({ isEnabled: true });

    // Each has an Anthropic key; changing Babbage's leaves Ada's alone.
    const adaAnthropic = await openStoredApiKey(ada.id, anthropic.id);
    await storeApiKey(babbage.id, anthropic.id, key());
    await setUserApiKeyEnabled(babbage.id, anthropic.id, false);
    expect(await deleteUserApiKey(babbage.id, anthropic.id)).toBe(true);
    expect(await openStoredApiKey(ada.id, anthropic.id)).toEqual(adaAnthropic);
    expect(await getUserApiKeys(babbage.id)).toEqual([]);
  });
});

describe("toggle, stamp and delete", () => {
  it("toggles and stamps in one statement each, and deletes once", async () => {
    const dave = await insertUser("dave");
    await storeApiKey(dave.id, openai.id, key());
    const off = await countStatements(() => setUserApiKeyEnabled(dave.id, openai.id, false));
    expect(off).toMatchObject({ count: 1, result: { isEnabled: false } });
    const { sealed } = (await openStoredApiKey(dave.id, openai.id))!;
    const ok = { health: "ok", message: "Verified.", source: "test" } as const;
    const stamped = await countStatements(() =>
      recordHealth({ userId: dave.id, providerId: openai.id, encryptedKey: sealed }, ok),
    );
    expect(stamped).toEqual({ count: 1, result: { previous: "unchecked", health: "ok" } });
    expect((await getUserApiKeyForProvider(dave.id, openai.id))?.lastValidatedAt).toBeInstanceOf(Date);
    // A key replaced while it was being checked is not stamped as verified.
    await storeApiKey(dave.id, openai.id, key());
    expect(await recordHealth({ userId: dave.id, providerId: openai.id, encryptedKey: sealed }, ok)).toBeNull();
    expect((await getUserApiKeyForProvider(dave.id, openai.id))?.lastValidatedAt).toBeNull();
    const removed = await countStatements(() => deleteUserApiKey(dave.id, openai.id));
    expect(removed).toEqual({ count: 1, result: true });
    expect(await deleteUserApiKey(dave.id, openai.id)).toBe(false);
    expect(await setUserApiKeyEnabled(dave.id, openai.id, true)).toBeNull();
  });
});

describe("cascades", () => {
  it("removes a user's keys with the user, and a provider's keys with the provider", async () => {
    const db = await getDb();
    const erin = await insertUser("erin");
    await storeApiKey(erin.id, openai.id, key());
    await db.delete(user).where(eq(user.id, erin.id));
    expect(await db.select().from(userApiKey).where(eq(userApiKey.userId, erin.id))).toEqual([]);

    const [temp] = await db
      .insert(modelProvider)
      .values({ registryId: `temp-${randomUUID()}`, name: "Temp" })
      .returning();
    await storeApiKey(ada.id, temp!.id, key());
    await db.delete(modelProvider).where(eq(modelProvider.id, temp!.id));
    expect(await db.select().from(userApiKey).where(eq(userApiKey.providerId, temp!.id))).toEqual([]);
  });
});

describe("stored ciphertext", () => {
  it("round-trips through the database", async () => {
    const frank = await insertUser("frank");
    const secret = key();
    await storeApiKey(frank.id, openai.id, secret);
    expect(await openStoredApiKey(frank.id, openai.id)).toEqual({
      id: expect.any(String),
      label: "Default",
      apiKey: secret,
      isEnabled: true,
      expiresAt: null,
      sealed: expect.stringMatching(/^v2\.test1\./),
    });
  });

  it("raises a typed error for a tampered byte", async () => {
    const grace = await insertUser("grace");
    await storeApiKey(grace.id, openai.id, key());
    const row = (await rowOf(grace.id, openai.id))!;
    const parts = row.encryptedKey.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0]! ^= 0x80;
    parts[3] = body.toString("base64url");
    const db = await getDb();
    await db
      .update(userApiKey)
      .set({ encryptedKey: parts.join(".") })
      .where(eq(userApiKey.id, row.id));
    await expect(openStoredApiKey(grace.id, openai.id)).rejects.toBeInstanceOf(KeyDecryptionError);
  });

  it("raises a typed error for a ciphertext copied onto another user's row", async () => {
    const heidi = await insertUser("heidi");
    const ivan = await insertUser("ivan");
    await storeApiKey(heidi.id, openai.id, key());
    await storeApiKey(ivan.id, openai.id, key());
    const stolen = (await rowOf(heidi.id, openai.id))!.encryptedKey;
    const db = await getDb();
    await db
      .update(userApiKey)
      .set({ encryptedKey: stolen })
      .where(sql`${userApiKey.userId} = ${ivan.id} and ${userApiKey.providerId} = ${openai.id}`);
    await expect(openStoredApiKey(ivan.id, openai.id)).rejects.toMatchObject({
      code: "api_key_undecryptable",
      reason: "authentication_failed",
    });
  });

  it("flags a key sealed by a key id the keyring no longer has, without decrypting", async () => {
    const judy = await insertUser("judy");
    await storeApiKey(judy.id, openai.id, key());
    const original = process.env.API_KEY_ENCRYPTION_KEYS!;
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `other:${Buffer.alloc(32, 1).toString("base64")}`);
    try {
      expect((await getUserApiKeys(judy.id)).map(toKeyView)).toEqual([expect.objectContaining({ needsReentry: true })]);
      await expect(openStoredApiKey(judy.id, openai.id)).rejects.toMatchObject({ reason: "unknown_key_id" });
    } finally {
      vi.stubEnv("API_KEY_ENCRYPTION_KEYS", original);
    }
    expect((await getUserApiKeys(judy.id)).map(toKeyView)).toEqual([expect.objectContaining({ needsReentry: false })]);
  });

  it("tells diagnostics subscribers each statement's SQL text, never its parameters", async () => {
    const kim = await insertUser("kim");
    const secret = key();
    const messages: unknown[] = [];
    const listener = (message: unknown) => void messages.push(message);
    subscribe(QUERY_CHANNEL, listener);
    try {
      await storeApiKey(kim.id, openai.id, secret);
    } finally {
      unsubscribe(QUERY_CHANNEL, listener);
    }
    expect(messages).toEqual([{ query: expect.stringMatching(/^with "locked" as \(.*insert into "UserApiKey"/s) }]);
    expect(JSON.stringify(messages)).not.toContain(secret.slice(4, -4));
    expect(JSON.stringify(messages)).not.toContain(kim.id);
  });

  it("never writes a plaintext key into any table", async () => {
    const db = await getDb();
    const dump = JSON.stringify([
      await db.select().from(user),
      await db.select().from(modelProvider),
      await db.select().from(userApiKey),
      rowsOf(await db.execute(sql`select * from "UserApiKey"`)),
    ]);
    expect(plaintexts.length).toBeGreaterThan(50);
    expect(dump).toContain("v2.test1.");
    for (const plaintext of plaintexts) {
      expect(dump).not.toContain(plaintext);
      expect(dump).not.toContain(plaintext.slice(4, -4)); // not even the part the mask hides
    }
  });
});
