import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/client/safe-redirect";

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    expect(safeReturnPath("/settings")).toBe("/settings");
    expect(safeReturnPath("/settings?tab=keys#openai")).toBe("/settings?tab=keys#openai");
    expect(safeReturnPath(["/a", "/b"])).toBe("/a");
  });

  it.each([
    "//evil.com",
    "/\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/%09/evil.com".replace("%09", "\t"),
    "https://evil.com/settings",
    "javascript:alert(1)",
    "settings",
    "",
  ])("sends %j to /settings", (value) => {
    expect(safeReturnPath(value)).toBe("/settings");
  });

  it("sends nothing at all to /settings", () => {
    expect(safeReturnPath(undefined)).toBe("/settings");
    expect(safeReturnPath(null)).toBe("/settings");
  });
});
