import { spawn } from "node:child_process";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getKeyring } from "@/lib/crypto/keyring";
import { initKek } from "@/lib/crypto/kek/init";
import { seal as sealFirstVersion } from "@/lib/crypto/secret-box";
import { backgroundSettled } from "@/lib/background";
import { closeDb, getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { openStoredApiKeyById } from "@/dev/key-vault";
import { call } from "../fixtures/http";
import { configureKeks, softHsmForThisFile } from "../fixtures/hsm";
import { keyringEntry } from "../fixtures/keyring";
import { streamCall } from "../fixtures/ui-stream";
import { databaseScriptsCanOpen, runScript } from "../fixtures/scripts";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * `npm run keys:rotate` between key-encryption keys: the local keyring → a token key → a second token key → the
 * keyring again, each step followed by real use of every key (a playground answer from the fake provider, which
 * records the key it was sent) with the previous KEK removed; and a rotation killed halfway, then run again.
 */

// The killed rotation runs as a process of its own: PGlite allows one process per folder, so this file keeps its
// data in a folder it can hand over (PostgreSQL needs nothing).
await databaseScriptsCanOpen("byok_kek_rotation");

const hsm = softHsmForThisFile(["kek-1"]);
const k1 = keyringEntry("k1");
const k3 = keyringEntry("k3");
let fake: FakeProviders;
let providers: ProviderRecord[];

beforeAll(async () => {
  fake = await startFakeProviders({ chat: { chunks: 3, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  providers = (await listBuiltInProviders()).filter((p) =>
    ["openai", "anthropic", "google", "groq"].includes(p.registryId),
  );
});
afterAll(async () => {
  await backgroundSettled();
  await fake.close();
});

interface Saved {
  user: PublicUser;
  providerId: string;
  apiKey: string;
}

async function saveKeys(count: number): Promise<Saved[]> {
  const saved: Saved[] = [];
  for (let i = 0; i < count; i++) {
    const user = await insertUser(`rotated${i}`);
    for (const provider of providers) {
      const apiKey = `sk-test-valid-${fakeKey("")}`;
      const answer = await call(keysRoute.POST, {
        method: "POST",
        as: user,
        body: { providerId: provider.id, apiKey, skipValidation: true },
      });
      expect(answer.status, answer.text).toBe(200);
      saved.push({ user, providerId: provider.id, apiKey });
    }
  }
  return saved;
}

/** A playground answer on each key, and the fake provider saw exactly that key. */
async function useEveryKey(saved: Saved[]) {
  for (const { user, providerId, apiKey } of saved) {
    const since = fake.requests.length;
    const answer = await streamCall(chatRoute.POST, {
      as: user,
      body: { providerId, model: "m-1", messages: [{ role: "user", content: "Hi" }] },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toMatch(/^Hello from/);
    expect(fake.requests.slice(since).map((r) => r.credential)).toEqual([apiKey]);
  }
}

async function rowsByKek(): Promise<Record<string, number>> {
  const rows = await (await getDb()).select({ keyId: userApiKey.keyId }).from(userApiKey);
  return rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.keyId]: (acc[r.keyId] ?? 0) + 1 }), {});
}

/** The part of each envelope that rotation must not touch: iv, ciphertext and tag of the key itself. */
async function payloads(): Promise<Map<string, string>> {
  const rows = await (await getDb()).select({ id: userApiKey.id, envelope: userApiKey.encryptedKey }).from(userApiKey);
  return new Map(rows.map((r) => [r.id, r.envelope.split(".").slice(3).join(".")]));
}

describe("npm run keys:rotate between key-encryption keys", () => {
  it("local → token → a second token key → local, every key in use after each step, the previous KEK removed", async () => {
    configureKeks({ backend: "local", keyring: k1 });
    const saved = await saveKeys(3);
    // Two keys saved before this wave: sealed directly by the keyring key (v1), no data key of their own.
    const db = await getDb();
    const old = (await db.select().from(userApiKey).limit(2)).map((row) => ({
      ...row,
      encryptedKey: sealFirstVersion(
        getKeyring(),
        saved.find((s) => s.user.id === row.userId && s.providerId === row.providerId)!.apiKey,
        row,
      ).envelope,
    }));
    for (const row of old)
      await db.update(userApiKey).set({ encryptedKey: row.encryptedKey }).where(eq(userApiKey.id, row.id));
    await useEveryKey(saved);

    // local → token: kek-1 created, the app configured with it first and the keyring still unwrapping.
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], keyring: k1 });
    expect((await initKek()).first).toMatchObject({ label: "kek-1", created: true });
    expect(await rotateApiKeys({ batchSize: 5 })).toMatchObject({
      total: 12,
      rotated: 12,
      resealed: 2,
      undecryptable: 0,
      leftUnder: {},
    });
    expect(await rowsByKek()).toEqual({ "pkcs11:kek-1": 12 });
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], keyring: keyringEntry("unrelated") }); // k1 removed
    await useEveryKey(saved);

    // kek-1 → kek-2, inside the same token: data keys re-wrapped, the keys' own ciphertexts untouched.
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-2", "kek-1"] });
    expect((await initKek()).first).toMatchObject({ label: "kek-2", created: true });
    const before = await payloads();
    expect(await rotateApiKeys({ batchSize: 5 })).toMatchObject({ total: 12, rotated: 12, resealed: 0, leftUnder: {} });
    expect(await payloads()).toEqual(before);
    expect(await rowsByKek()).toEqual({ "pkcs11:kek-2": 12 });
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-2"] }); // kek-1 removed
    await useEveryKey(saved);

    // And back to a keyring: the token unwraps, k3 wraps; then no token at all.
    configureKeks({ backend: "local", keyring: k3, keyLabels: ["kek-2"] });
    expect(await rotateApiKeys()).toMatchObject({ total: 12, rotated: 12, leftUnder: {} });
    expect(await payloads()).toEqual(before);
    configureKeks({ backend: "local", keyring: k3 });
    await useEveryKey(saved);
    const list = await call<{ needsReentry: boolean }[]>(keysRoute.GET, { as: saved[0]!.user });
    expect(list.json.map((k) => k.needsReentry)).toEqual([false, false, false, false]);
  });

  it("a rotation killed halfway, run again, finishes with every key readable", async () => {
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-2"], keyring: k1 });
    await initKek(); // kek-2, unless the test above made it
    configureKeks({ backend: "local", keyring: k1 });
    await (await getDb()).delete(userApiKey).where(sql`true`); // the test above's keys
    const saved = await saveKeys(10);
    const settings = {
      ...hsm.env,
      KEK_BACKEND: "pkcs11",
      PKCS11_KEY_LABELS: "kek-2",
      API_KEY_ENCRYPTION_KEYS: k1,
      ROTATE_BATCH_SIZE: "1",
    };
    await closeDb(); // hand the database over

    // Killed (SIGKILL: no chance to tidy up) as soon as it reports its third batch.
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/keys-rotate.ts"], {
      env: { ...process.env, ...settings },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ {2}3\/40 scanned/m.test(output)) child.kill("SIGKILL");
    });
    const signal = await new Promise((resolve) => child.on("exit", (_code, s) => resolve(s)));
    expect(signal, output).toBe("SIGKILL");

    const halfway = await rowsByKek();
    expect(halfway["pkcs11:kek-2"]).toBeGreaterThanOrEqual(3);
    expect(halfway.k1).toBeGreaterThan(0);
    await closeDb();

    const again = await runScript("scripts/keys-rotate.ts", settings);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`to move at start:\\s+${halfway.k1}\\n`));
    expect(again.stdout).toContain(
      "Nothing is left under any other key-encryption key: every KEK but pkcs11:kek-2 can be retired.",
    );
    expect(await rowsByKek()).toEqual({ "pkcs11:kek-2": 40 });

    configureKeks({ backend: "pkcs11", keyLabels: ["kek-2"] });
    const rows = await (
      await getDb()
    )
      .select({ id: userApiKey.id, userId: userApiKey.userId, providerId: userApiKey.providerId })
      .from(userApiKey);
    for (const row of rows) {
      const expected = saved.find((s) => s.user.id === row.userId && s.providerId === row.providerId)!.apiKey;
      expect((await openStoredApiKeyById(row.userId, row.id))?.apiKey).toBe(expected);
    }
  }, 120_000);
});
