import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { envelopeKekId, open, rewrap, seal } from "@/lib/crypto/envelope";
import { dataKeyCache } from "@/lib/crypto/kek/data-key-cache";
import { getKeyring } from "@/lib/crypto/keyring";
import { DECRYPT_CHANNEL, seal as sealFirstVersion } from "@/lib/crypto/secret-box";
import { KeyDecryptionError } from "@/lib/errors";
import { keyringEntry } from "../fixtures/keyring";

/** Envelope encryption on the local backend (the token's side: tests/hsm/kek-*.test.ts (npm run test:hsm)). */
const k1 = keyringEntry("k1");
const k2 = keyringEntry("k2");
const ada = { userId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", providerId: "0b7a0d7e-1f3c-4d5e-8a9b-1c2d3e4f5a6b" };
const secret = "sk-proj-Aq1Bw2Ce3Dr4Ef5Gt6Hy7Iu8Jo9Kp0";

const useKeyring = (value: string) => {
  vi.stubEnv("KEK_BACKEND", "local");
  vi.stubEnv("PKCS11_MODULE", "");
  vi.stubEnv("API_KEY_ENCRYPTION_KEYS", value);
};

async function expectRefused(envelope: string, reason: KeyDecryptionError["reason"], owner = ada) {
  const error = await open(envelope, owner).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyDecryptionError);
  expect((error as KeyDecryptionError).reason).toBe(reason);
}

beforeEach(() => useKeyring(k1));

describe("envelope v2", () => {
  it("seals under a fresh data key per key, wrapped by the first KEK, and names it", async () => {
    const { envelope, keyId } = await seal(secret, ada);
    expect(keyId).toBe("k1");
    expect(envelopeKekId(envelope)).toBe("k1");
    const parts = envelope.split(".");
    expect(parts).toHaveLength(6);
    expect(parts[0]).toBe("v2");
    expect(Buffer.from(parts[2]!, "base64url")).toHaveLength(12 + 32 + 16); // the data key, wrapped by AES-GCM
    expect(Buffer.from(parts[3]!, "base64url")).toHaveLength(12);
    expect(Buffer.from(parts[5]!, "base64url")).toHaveLength(16);
    expect(envelope).not.toContain(secret);
    expect(await open(envelope, ada)).toBe(secret);

    const again = (await seal(secret, ada)).envelope.split(".");
    expect(again[2]).not.toBe(parts[2]); // another data key
    expect(again[4]).not.toBe(parts[4]);
  });

  it("refuses an envelope moved to another user or provider, tampered anywhere, or relabelled to another KEK", async () => {
    useKeyring(`${k1},${k2}`);
    const { envelope } = await seal(secret, ada);
    await expectRefused(envelope, "authentication_failed", { ...ada, userId: "7f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" });
    await expectRefused(envelope, "authentication_failed", {
      ...ada,
      providerId: "1b7a0d7e-1f3c-4d5e-8a9b-1c2d3e4f5a6b",
    });
    const parts = envelope.split(".");
    for (const index of [2, 3, 4, 5]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[bytes.length >> 1]! ^= 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString("base64url");
      await expectRefused(tampered.join("."), "authentication_failed");
    }
    await expectRefused(envelope.replace(".k1.", ".k2."), "authentication_failed");
  });

  it("names an unknown KEK, and malformed envelopes", async () => {
    const { envelope } = await seal(secret, ada);
    useKeyring(k2);
    await expectRefused(envelope, "unknown_key_id");
    for (const bad of [
      "",
      "plaintext-key",
      envelope.split(".").slice(0, 5).join("."),
      envelope.replace(/\.[^.]+$/, ".AAAA"),
    ]) {
      await expectRefused(bad, "malformed");
    }
  });

  it("still opens keys sealed before this wave (v1), and moves them to v2 when asked", async () => {
    const old = sealFirstVersion(getKeyring(), secret, ada).envelope;
    expect(envelopeKekId(old)).toBe("k1");
    expect(await open(old, ada)).toBe(secret);
    useKeyring(`${k2},${k1}`);
    const moved = await rewrap(old, ada);
    expect(moved.keyId).toBe("k2");
    expect(moved.envelope.startsWith("v2.k2.")).toBe(true);
    useKeyring(k2);
    expect(await open(moved.envelope, ada)).toBe(secret);
  });

  it("re-wraps only the data key: the key's own iv, ciphertext and tag are kept byte for byte", async () => {
    const { envelope } = await seal(secret, ada);
    useKeyring(`${k2},${k1}`);
    const moved = await rewrap(envelope, ada);
    expect(moved.envelope.split(".").slice(3)).toEqual(envelope.split(".").slice(3));
    expect(moved.envelope.split(".")[2]).not.toBe(envelope.split(".")[2]);
    useKeyring(k2);
    expect(await open(moved.envelope, ada)).toBe(secret);
    // What cannot be opened is not moved.
    await expect(rewrap(envelope.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAA"), ada)).rejects.toBeInstanceOf(
      KeyDecryptionError,
    );
  });

  it("tells diagnostics subscribers about each opening with the KEK id only", async () => {
    const { envelope } = await seal(secret, ada);
    const messages: unknown[] = [];
    const listener = (message: unknown) => void messages.push(message);
    subscribe(DECRYPT_CHANNEL, listener);
    try {
      await open(envelope, ada);
      await open(sealFirstVersion(getKeyring(), secret, ada).envelope, ada);
    } finally {
      unsubscribe(DECRYPT_CHANNEL, listener);
    }
    expect(messages).toEqual([{ keyId: "k1" }, { keyId: "k1" }]);
  });
});

describe("the data-key cache", () => {
  it("keeps a copy, at most 1,000 keys, and nothing at all with a time of 0", () => {
    const cache = dataKeyCache(60);
    const key = Buffer.alloc(32, 7);
    cache.set("a", key);
    key.fill(0);
    expect(cache.get("a")).toEqual(Buffer.alloc(32, 7));
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, Buffer.alloc(32, 1));
    expect(cache.get("a")).toBeUndefined(); // the least recently used went first
    expect(cache.get("k999")).toEqual(Buffer.alloc(32, 1));

    const off = dataKeyCache(0);
    off.set("a", Buffer.alloc(32, 7));
    expect(off.get("a")).toBeUndefined();
  });

  it("forgets a key once its time is up, however often it was used, and wipes it", () => {
    let now = 1_000;
    const cache = dataKeyCache(60, { now: () => now });
    cache.set("a", Buffer.alloc(32, 7));
    const held = cache.get("a")!;
    now = 60_000;
    expect(cache.get("a")).toEqual(Buffer.alloc(32, 7));
    now = 61_001;
    expect(cache.get("a")).toBeUndefined();
    expect(held).toEqual(Buffer.alloc(32, 0));
  });
});
