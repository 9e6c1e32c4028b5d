import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { describe, expect, it } from "vitest";
import { parseKeyring } from "@/lib/crypto/keyring";
import { DECRYPT_CHANNEL, envelopeKeyId, open, seal } from "@/lib/crypto/secret-box";
import { KeyDecryptionError } from "@/lib/errors";
import { keyringEntry } from "../fixtures/keyring";

const k1 = keyringEntry("k1");
const k2 = keyringEntry("k2");
const ring = parseKeyring(k1);
const ada = { userId: "6f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f", providerId: "0b7a0d7e-1f3c-4d5e-8a9b-1c2d3e4f5a6b" };
const secret = "sk-proj-Aq1Bw2Ce3Dr4Ef5Gt6Hy7Iu8Jo9Kp0";

function expectDecryptionError(fn: () => unknown, reason: KeyDecryptionError["reason"]) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyDecryptionError);
    expect((error as KeyDecryptionError).reason).toBe(reason);
    expect((error as KeyDecryptionError).code).toBe("api_key_undecryptable");
    return;
  }
  throw new Error("expected a KeyDecryptionError, but decryption succeeded");
}

describe("secret box", () => {
  it("round-trips and names the key that sealed it", () => {
    const { envelope, keyId } = seal(ring, secret, ada);
    expect(keyId).toBe("k1");
    expect(envelopeKeyId(envelope)).toBe("k1");
    expect(envelope).not.toContain(secret);
    expect(open(ring, envelope, ada)).toBe(secret);
  });

  it("uses a fresh 96-bit IV on every write", () => {
    const envelopes = Array.from({ length: 200 }, () => seal(ring, secret, ada).envelope);
    const ivs = new Set(envelopes.map((e) => e.split(".")[2]));
    expect(ivs.size).toBe(200);
    expect(Buffer.from(envelopes[0]!.split(".")[2]!, "base64url")).toHaveLength(12);
    expect(Buffer.from(envelopes[0]!.split(".")[4]!, "base64url")).toHaveLength(16);
  });

  it("round-trips unicode and long keys", () => {
    for (const text of ["ключ-🔑-鍵", "x".repeat(4000)]) {
      expect(open(ring, seal(ring, text, ada).envelope, ada)).toBe(text);
    }
  });

  it("refuses to seal an empty key, unless told it stands for a custom endpoint without one", () => {
    expect(() => seal(ring, "", ada)).toThrow(TypeError);
    const { envelope } = seal(ring, "", ada, { allowEmpty: true });
    expect(open(ring, envelope, ada)).toBe("");
    expectDecryptionError(
      () => open(ring, envelope, { ...ada, userId: "0b7a0d7e-1f3c-4d5e-8a9b-000000000000" }),
      "authentication_failed",
    );
  });

  it("rejects a tampered byte in the iv, the ciphertext or the tag", () => {
    const { envelope } = seal(ring, secret, ada);
    const parts = envelope.split(".");
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, "base64url");
      bytes[bytes.length >> 1]! ^= 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString("base64url");
      expectDecryptionError(() => open(ring, tampered.join("."), ada), "authentication_failed");
    }
  });

  it("rejects a ciphertext moved to another user or provider", () => {
    const { envelope } = seal(ring, secret, ada);
    const otherUser = { ...ada, userId: "7f1c2a6e-7d0b-4c4e-9a55-0f0a6c1d2e3f" };
    const otherProvider = { ...ada, providerId: "1b7a0d7e-1f3c-4d5e-8a9b-1c2d3e4f5a6b" };
    expectDecryptionError(() => open(ring, envelope, otherUser), "authentication_failed");
    expectDecryptionError(() => open(ring, envelope, otherProvider), "authentication_failed");
  });

  it("rejects an unknown key id, and a header relabelled to another key", () => {
    const { envelope } = seal(ring, secret, ada);
    expectDecryptionError(() => open(parseKeyring(k2), envelope, ada), "unknown_key_id");
    const both = parseKeyring(`${k2},${k1}`);
    expectDecryptionError(() => open(both, envelope.replace(".k1.", ".k2."), ada), "authentication_failed");
  });

  it("rejects malformed envelopes", () => {
    const { envelope } = seal(ring, secret, ada);
    for (const bad of [
      "",
      "plaintext-key",
      envelope.replace("v1.", "v2."),
      envelope.split(".").slice(0, 4).join("."),
    ]) {
      expectDecryptionError(() => open(ring, bad, ada), "malformed");
    }
  });

  it("decrypts with any key of the ring but encrypts with the first", () => {
    const old = seal(ring, secret, ada).envelope;
    const rotated = parseKeyring(`${k2},${k1}`);
    expect(open(rotated, old, ada)).toBe(secret);
    expect(seal(rotated, secret, ada).keyId).toBe("k2");
  });

  it("tells diagnostics subscribers about each decryption with the key id only", () => {
    const { envelope } = seal(ring, secret, ada);
    const messages: unknown[] = [];
    const listener = (message: unknown) => void messages.push(message);
    subscribe(DECRYPT_CHANNEL, listener);
    try {
      open(ring, envelope, ada);
      expectDecryptionError(() => open(ring, "plaintext-key", ada), "malformed");
    } finally {
      unsubscribe(DECRYPT_CHANNEL, listener);
    }
    expect(messages).toEqual([{ keyId: "k1" }, { keyId: undefined }]);
  });
});
