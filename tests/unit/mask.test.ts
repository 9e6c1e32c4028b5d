import { describe, expect, it } from "vitest";
import { maskApiKey } from "@/lib/keys/mask";

describe("maskApiKey", () => {
  it("hides keys of 8 characters or fewer entirely", () => {
    expect(maskApiKey("a")).toBe("********");
    expect(maskApiKey("12345678")).toBe("********");
  });

  it("shows the first and last four with one star per hidden character", () => {
    expect(maskApiKey("123456789")).toBe("1234*6789");
    expect(maskApiKey("sk-proj-abcdefghijklmnop")).toBe("sk-p****************mnop");
  });

  it("counts code points, never splitting a surrogate pair", () => {
    expect(maskApiKey("🔑🔑🔑🔑abc🔒🔒🔒🔒")).toBe("🔑🔑🔑🔑***🔒🔒🔒🔒");
  });
});
