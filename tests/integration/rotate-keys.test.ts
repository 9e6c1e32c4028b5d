import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { listProviders, type ProviderRecord } from "@/lib/db/providers";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { userApiKey } from "@/lib/db/schema";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { openStoredApiKey, storeApiKey } from "@/lib/keys/vault";
import { toKeyView } from "@/lib/keys/view";
import type { PublicUser } from "@/lib/db/users";
import { keyringEntry } from "../fixtures/keyring";
import { fakeKey, insertUser } from "../fixtures/users";

const k1 = keyringEntry("k1");
const k2 = keyringEntry("k2");
let providers: ProviderRecord[];
const saved: { user: PublicUser; providerId: string; apiKey: string }[] = [];

async function keyIds(): Promise<Record<string, number>> {
  const db = await getDb();
  const rows = await db.select({ keyId: userApiKey.keyId }).from(userApiKey);
  return rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.keyId]: (acc[r.keyId] ?? 0) + 1 }), {});
}

async function expectAllReadable() {
  for (const { user, providerId, apiKey } of saved) {
    expect((await openStoredApiKey(user.id, providerId))?.apiKey).toBe(apiKey);
  }
}

beforeAll(async () => {
  vi.stubEnv("API_KEY_ENCRYPTION_KEYS", k1);
  providers = await listProviders(randomUUID());
  for (let i = 0; i < 9; i++) {
    const user = await insertUser(`rotator${i}`);
    for (const provider of providers.slice(0, 3)) {
      const apiKey = fakeKey();
      await storeApiKey(user.id, provider.id, apiKey);
      saved.push({ user, providerId: provider.id, apiKey });
    }
  }
});

afterEach(() => vi.restoreAllMocks());

describe("rotateApiKeys", () => {
  it("keeps old rows readable, re-encrypts them in batches, and lets the old key retire", async () => {
    expect(await keyIds()).toEqual({ k1: 27 });

    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `${k2},${k1}`);
    await expectAllReadable(); // before rotation: old key still decrypts

    const progress: number[] = [];
    const result = await rotateApiKeys({ batchSize: 10, onProgress: (p) => progress.push(p.scanned) });
    expect(result).toMatchObject({ activeKeyId: "k2", total: 27, scanned: 27, rotated: 27, undecryptable: 0 });
    expect(progress).toEqual([10, 20, 27]);
    expect(await keyIds()).toEqual({ k2: 27 });

    const again = await rotateApiKeys({ batchSize: 10 });
    expect(again).toMatchObject({ total: 0, rotated: 0 });

    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", k2); // k1 retired
    await expectAllReadable();
    expect((await getUserApiKeys(saved[0]!.user.id)).map(toKeyView).every((k) => !k.needsReentry)).toBe(true);
  });

  it("skips and counts rows no key can open, and never overwrites a key saved meanwhile", async () => {
    const k3 = keyringEntry("k3");
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `${k3},${k2}`);
    // One row is corrupted; the rotation must report it, leave it, and carry on.
    const db = await getDb();
    const victim = saved[0]!;
    const [row] = await db.select().from(userApiKey).where(eq(userApiKey.userId, victim.user.id)).limit(1);
    await db
      .update(userApiKey)
      .set({ encryptedKey: row!.encryptedKey.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAA") })
      .where(eq(userApiKey.id, row!.id));

    // A user re-saves while the batch is in flight: the rotation must not clobber the new ciphertext.
    const racer = saved[5]!;
    const fresh = fakeKey();
    const envelopes = await import("@/lib/crypto/envelope");
    const realRewrap = envelopes.rewrap;
    let raced = false;
    vi.spyOn(envelopes, "rewrap").mockImplementation(async (envelope, context) => {
      const moved = await realRewrap(envelope, context);
      if (!raced && context.userId === racer.user.id && context.providerId === racer.providerId) {
        raced = true;
        await storeApiKey(racer.user.id, racer.providerId, fresh); // saved before the batch's UPDATE
      }
      return moved;
    });

    const result = await rotateApiKeys({ batchSize: 100 });
    expect(raced).toBe(true);
    expect(result.undecryptable).toBe(1);
    expect(result.changedMeanwhile).toBe(1);
    expect(result.rotated + result.changedMeanwhile + result.undecryptable).toBe(27);
    expect((await openStoredApiKey(racer.user.id, racer.providerId))?.apiKey).toBe(fresh);
  });
});
