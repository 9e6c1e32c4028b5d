import { describe, expect, it, vi } from "vitest";
import { FeatureFlagConfigError, isFeatureEnabled, parseFeatureFlags } from "@/lib/feature-flags";

describe("feature flags", () => {
  it("default to safe values when FEATURE_FLAGS is empty or unset", () => {
    expect(parseFeatureFlags(undefined)).toEqual({ showApiKeyManagement: true, showPlayground: true });
    expect(parseFeatureFlags("  ")).toEqual({ showApiKeyManagement: true, showPlayground: true });
  });

  it("are overridden by name=value, in any of the usual spellings", () => {
    expect(parseFeatureFlags("showApiKeyManagement=false")).toEqual({
      showApiKeyManagement: false,
      showPlayground: true,
    });
    expect(parseFeatureFlags(" showApiKeyManagement = OFF ,showPlayground=off")).toEqual({
      showApiKeyManagement: false,
      showPlayground: false,
    });
    expect(parseFeatureFlags("showApiKeyManagement=0,showApiKeyManagement=1")).toEqual({
      showApiKeyManagement: true,
      showPlayground: true,
    });
  });

  it("warn about an unknown flag and otherwise ignore it", () => {
    const warn = vi.fn();
    expect(parseFeatureFlags("newThing=true,showApiKeyManagement=false", warn)).toEqual({
      showApiKeyManagement: false,
      showPlayground: true,
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('unknown flag "newThing"');
  });

  it("refuse a malformed value with a message that says what is expected", () => {
    for (const value of ["showApiKeyManagement", "showApiKeyManagement=maybe", "=true", "showApiKeyManagement:false"]) {
      expect(() => parseFeatureFlags(value)).toThrow(FeatureFlagConfigError);
    }
    expect(() => parseFeatureFlags("showApiKeyManagement=maybe")).toThrow(/Expected name=true or name=false/);
  });

  it("follow FEATURE_FLAGS as it changes", () => {
    vi.stubEnv("FEATURE_FLAGS", "showApiKeyManagement=false");
    expect(isFeatureEnabled("showApiKeyManagement")).toBe(false);
    vi.stubEnv("FEATURE_FLAGS", "");
    expect(isFeatureEnabled("showApiKeyManagement")).toBe(true);
    vi.unstubAllEnvs();
  });
});
