import { describe, expect, it } from "vitest";
import { expiryBadgeText } from "@/lib/client/expiry";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const inHours = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();

describe("a key's expiry badge", () => {
  it("says nothing without an expiry or more than 7 days before it", () => {
    expect(expiryBadgeText(null, NOW)).toBeNull();
    expect(expiryBadgeText(inHours(7 * 24 + 1), NOW)).toBeNull();
  });

  it("warns from 7 days before, counting started days", () => {
    expect(expiryBadgeText(inHours(7 * 24), NOW)).toBe("Expires in 7 days");
    expect(expiryBadgeText(inHours(72), NOW)).toBe("Expires in 3 days");
    expect(expiryBadgeText(inHours(49), NOW)).toBe("Expires in 3 days");
    expect(expiryBadgeText(inHours(1), NOW)).toBe("Expires in 1 day");
  });

  it("says Expired once the time has passed", () => {
    expect(expiryBadgeText(inHours(0), NOW)).toBe("Expired");
    expect(expiryBadgeText(inHours(-100), NOW)).toBe("Expired");
  });
});
