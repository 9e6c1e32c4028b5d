import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { countDecryptions, countStatements } from "@/dev/counters";
import { getDb } from "@/lib/db/client";
import { listProviders } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import { reportUnreadableKeys, unreadableKeys } from "@/lib/keys/unreadable";
import { storeApiKey } from "@/lib/keys/vault";
import { keyringEntry } from "../fixtures/keyring";
import { captureLogs } from "../fixtures/logs";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * At start the server says how many stored keys its KEKs cannot open and what to do, from the KEK ids alone: the
 * common case being keys saved in development with the generated .data/ key, read in production on the same data.
 */
const logs = captureLogs();
const devKey = keyringEntry("dev1");
const k1 = keyringEntry("k1");
const k2 = keyringEntry("k2");

const useKeyring = (value: string) => {
  vi.stubEnv("KEK_BACKEND", "local");
  vi.stubEnv("PKCS11_MODULE", "");
  vi.stubEnv("API_KEY_ENCRYPTION_KEYS", value);
};

describe("the start-up report of keys this server cannot open", () => {
  it("counts them per KEK in one statement, decrypting nothing, and says what to do", async () => {
    const providers = await listProviders(randomUUID());
    const ada = await insertUser("ada");
    useKeyring(devKey); // saved in development
    for (const provider of providers.slice(0, 3)) await storeApiKey(ada.id, provider.id, fakeKey());
    useKeyring(k1);
    await storeApiKey(ada.id, providers[3]!.id, fakeKey());
    const [moved] = await (
      await getDb()
    )
      .select({ id: userApiKey.id })
      .from(userApiKey)
      .where(eq(userApiKey.providerId, providers[3]!.id));
    await storeApiKey(ada.id, providers[4]!.id, fakeKey());
    await (await getDb()).update(userApiKey).set({ keyId: "pkcs11:kek-0" }).where(eq(userApiKey.id, moved!.id));

    useKeyring(k2); // production, on the same data
    const counted = await countStatements(() => countDecryptions(() => unreadableKeys()));
    expect(counted.count).toBe(1);
    expect(counted.result.count).toBe(0);
    expect(counted.result.result).toEqual({ dev1: 3, "pkcs11:kek-0": 1, k1: 1 });

    await reportUnreadableKeys();
    const line = logs.find((l) => l.includes("stored keys were sealed by keys this server does not hold"))!;
    expect(JSON.parse(line)).toMatchObject({
      level: "warn",
      scope: "keys",
      unreadable: { dev1: 3, "pkcs11:kek-0": 1, k1: 1 },
    });
    expect(line).toContain("5 stored keys were sealed by keys this server does not hold (");
    expect(line).toContain(
      "dev1 is the key development generates into .data/encryption-keys: add that file's line after the first entry of API_KEY_ENCRYPTION_KEYS",
    );
    expect(line).toContain('if the token still holds \\"kek-0\\", add that label to PKCS11_KEY_LABELS');
    expect(line).toContain('add the key \\"k1\\" after the first entry of API_KEY_ENCRYPTION_KEYS');
    expect(line).toContain(
      'then run `npm run keys:rotate` to move them under k2. Otherwise their users see \\"Needs re-entry\\"',
    );
  });

  it("says nothing when every key can be opened", async () => {
    useKeyring(`${k2},${k1},${devKey}`);
    await (await getDb()).update(userApiKey).set({ keyId: "k1" }).where(eq(userApiKey.keyId, "pkcs11:kek-0"));
    const before = logs.length;
    await reportUnreadableKeys();
    expect(logs.slice(before).filter((l) => l.includes("does not hold"))).toEqual([]);
    expect(await unreadableKeys()).toEqual({});
  });
});
