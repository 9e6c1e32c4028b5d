import { describe, expect, it } from "vitest";
import { maskApiKey } from "@/lib/keys/mask";

/** CONTRACT-WAVE3.md "Masks": n = min(4, floor(length / 8)) characters at each end, one * per hidden character. */
describe("maskApiKey", () => {
  it("hides keys of 8 characters or fewer entirely", () => {
    expect(maskApiKey("a")).toBe("********");
    expect(maskApiKey("12345678")).toBe("********");
  });

  it("shows little of a short key: the outside review's 9-character key shows one character at each end", () => {
    expect(maskApiKey("Zx9-Qw7!a")).toBe("Z*******a");
    expect(maskApiKey("123456789012345")).toBe("1*************5");
  });

  it("shows floor(length / 8) characters at each end below 32 characters, one star per hidden character", () => {
    expect(maskApiKey("abcdefghijklmnop")).toBe("ab************op"); // 16: 2
    expect(maskApiKey("abcdefghijklmnopqrstuvw")).toBe("ab*******************vw"); // 23: 2
    expect(maskApiKey("abcdefghijklmnopqrstuvwx")).toBe("abc******************vwx"); // 24: 3
    expect(maskApiKey("abcdefghijklmnopqrstuvwxyz01234")).toBe("abc*************************234"); // 31: 3
  });

  it("masks keys of 32 characters or more as before: the first four and the last four", () => {
    expect(maskApiKey("abcdefghijklmnopqrstuvwxyz012345")).toBe("abcd************************2345");
    expect(maskApiKey("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")).toBe(`sk-p${"*".repeat(36)}6789`);
  });

  it("keeps the key's length, so a mask tells the length and nothing else of the middle", () => {
    for (let length = 9; length <= 64; length++) expect(maskApiKey("k".repeat(length))).toHaveLength(length);
  });

  it("counts code points, never splitting a surrogate pair", () => {
    expect(maskApiKey("🔑🔑🔑🔑abc🔒🔒🔒🔒")).toBe("🔑*********🔒");
    expect(maskApiKey(`${"🔑".repeat(16)}${"🔒".repeat(16)}`)).toBe(`🔑🔑🔑🔑${"*".repeat(24)}🔒🔒🔒🔒`);
  });
});
