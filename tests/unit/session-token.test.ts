import { decode, encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeSessionToken } from "@/lib/auth/session-token";

const secret = "a-test-secret-that-is-long-enough-0123456789";

describe("decodeSessionToken", () => {
  it("reads next-auth's own session tokens, and next-auth reads the same claims", async () => {
    const token = await encode({ token: { sub: "u1", id: "u1", email: "a@b.c" }, secret });
    const ours = await decodeSessionToken({ token, secret });
    expect(ours).toMatchObject({ sub: "u1", id: "u1", email: "a@b.c" });
    expect(ours).toEqual(await decode({ token, secret }));
  });

  it("rejects a token made with another secret, even after caching a key", async () => {
    const token = await encode({ token: { sub: "u1" }, secret: "another-secret-entirely-0123456789abcdef" });
    await decodeSessionToken({ token: await encode({ token: { sub: "x" }, secret }), secret });
    await expect(decodeSessionToken({ token, secret })).rejects.toThrow();
  });

  it("rejects an expired or tampered token, and answers null for none", async () => {
    const expired = await encode({ token: { sub: "u1" }, secret, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret })).rejects.toThrow(/exp/);
    const token = await encode({ token: { sub: "u1" }, secret });
    const parts = token.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith("AA") ? "BB" : "AA"}`;
    await expect(decodeSessionToken({ token: parts.join("."), secret })).rejects.toThrow();
    expect(await decodeSessionToken({ token: undefined, secret })).toBeNull();
  });

  describe("remembering a token's claims", () => {
    afterEach(() => vi.useRealTimers());

    it("gives the same claims again, as a copy the caller may change", async () => {
      const token = await encode({ token: { sub: "u2", id: "u2" }, secret });
      const first = await decodeSessionToken({ token, secret });
      first!.id = "someone-else";
      expect(await decodeSessionToken({ token, secret })).toMatchObject({ sub: "u2", id: "u2" });
    });

    it("stops at the token's expiry (with jose's 15 s tolerance)", async () => {
      const token = await encode({ token: { sub: "u3" }, secret, maxAge: 60 });
      expect(await decodeSessionToken({ token, secret })).toMatchObject({ sub: "u3" });
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 + 16_000 });
      await expect(decodeSessionToken({ token, secret })).rejects.toThrow(/exp/);
    });

    it("is not kept across a change of secret", async () => {
      const token = await encode({ token: { sub: "u4" }, secret });
      expect(await decodeSessionToken({ token, secret })).toMatchObject({ sub: "u4" });
      await expect(decodeSessionToken({ token, secret: "a-different-secret-0123456789abcdefghijk" })).rejects.toThrow();
      expect(await decodeSessionToken({ token, secret })).toMatchObject({ sub: "u4" });
    });
  });
});
