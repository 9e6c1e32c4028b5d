import { describe, expect, it } from "vitest";
import { KEY_EVENT_TYPES } from "@/lib/domain/key-facts";
import { describeEvent, isWarning } from "@/lib/client/activity-text";
import { compactCount, plural } from "@/lib/client/format";
import { USAGE_DAYS, usageByKey, usageWindow } from "@/lib/keys/usage-days";
import type { ActivityEventView } from "@/lib/validation/activity";

const event = (type: ActivityEventView["type"], detail: ActivityEventView["detail"] = {}): ActivityEventView => ({
  id: "1",
  at: "2026-11-25T12:00:00.000Z",
  type,
  providerId: "11111111-1111-4111-8111-111111111111",
  detail,
});

describe("the activity panel's sentences", () => {
  it.each<[ActivityEventView, string]>([
    [event("key_created", { checked: true, health: "ok" }), "Added the OpenAI key"],
    [event("key_created", { checked: false, health: "unchecked" }), "Added the OpenAI key without a check"],
    [event("key_replaced", { checked: true, health: "limited" }), "Replaced the OpenAI key"],
    [event("key_deleted"), "Deleted the OpenAI key"],
    [event("key_enabled"), "Enabled the OpenAI key"],
    [event("key_disabled"), "Disabled the OpenAI key"],
    [event("key_tested", { health: "unreachable" }), "Tested the OpenAI key: unreachable"],
    [
      event("key_health_changed", { from: "ok", to: "rejected", source: "models" }),
      "The OpenAI key is now rejected (was working), found while listing its models",
    ],
    [
      event("key_health_changed", { from: "unchecked", to: "ok", source: "chat" }),
      "The OpenAI key is now working (was not checked), found during a request",
    ],
    [event("key_rotated"), "Re-encrypted the OpenAI key with the server's new encryption key"],
    [event("signed_in"), "Signed in"],
    [event("password_changed"), "Changed the password"],
    [event("sessions_revoked"), "Signed out everywhere"],
  ])("%j → %s", (e, sentence) => {
    expect(describeEvent(e, "OpenAI")).toBe(sentence);
  });

  it("has a sentence for every event type, and names an unknown provider plainly", () => {
    for (const type of KEY_EVENT_TYPES) expect(describeEvent(event(type), undefined).length).toBeGreaterThan(5);
    expect(describeEvent(event("key_deleted"), undefined)).toBe("Deleted the provider's key");
  });

  it("marks a key that stopped working as a warning, and nothing else", () => {
    expect(isWarning(event("key_health_changed", { from: "ok", to: "rejected" }))).toBe(true);
    expect(isWarning(event("key_health_changed", { from: "rejected", to: "ok" }))).toBe(false);
    expect(isWarning(event("key_deleted"))).toBe(false);
  });
});

describe("numbers on the cards", () => {
  it.each([
    [0, "0"],
    [999, "999"],
    [1_000, "1k"],
    [12_400, "12.4k"],
    [12_449, "12.4k"],
    [123_456, "123k"],
    [3_100_000, "3.1M"],
  ])("%i → %s", (n, text) => expect(compactCount(n)).toBe(text));

  it("says 1 model, 12 models", () => {
    expect(plural(1, "model")).toBe("1 model");
    expect(plural(12, "model")).toBe("12 models");
    expect(plural(0, "model")).toBe("0 models");
  });
});

describe("the chart's 30 days", () => {
  const now = Date.parse("2026-03-01T00:30:00Z");

  it("end on today's UTC date and start 29 days before, across a month end", () => {
    const days = usageWindow(now);
    expect(days).toHaveLength(USAGE_DAYS);
    expect(days[0]).toBe("2026-01-31");
    expect(days.at(-1)).toBe("2026-03-01");
  });

  it("put each key's rows on their days, zero elsewhere, and leave out what is outside the window", () => {
    const rows = [
      { apiKeyId: "a", day: "2026-03-01", requests: 2, inputTokens: 10, outputTokens: 5, errors: 1 },
      { apiKeyId: "a", day: "2026-01-31", requests: 1, inputTokens: 1, outputTokens: 1, errors: 0 },
      { apiKeyId: "a", day: "2026-01-30", requests: 9, inputTokens: 9, outputTokens: 9, errors: 0 },
      { apiKeyId: "b", day: "2026-02-14", requests: 3, inputTokens: 0, outputTokens: 0, errors: 3 },
    ];
    const byKey = usageByKey(rows, now);
    expect([...byKey.keys()]).toEqual(["a", "b"]);
    const a = byKey.get("a")!;
    expect(a).toHaveLength(USAGE_DAYS);
    expect(a[0]).toEqual({ day: "2026-01-31", requests: 1, errors: 0, tokens: 2 });
    expect(a.at(-1)).toEqual({ day: "2026-03-01", requests: 2, errors: 1, tokens: 15 });
    expect(a.reduce((n, d) => n + d.requests, 0)).toBe(3);
    expect(byKey.get("b")!.find((d) => d.day === "2026-02-14")).toEqual({
      day: "2026-02-14",
      requests: 3,
      errors: 3,
      tokens: 0,
    });
  });
});
