import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
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
});
