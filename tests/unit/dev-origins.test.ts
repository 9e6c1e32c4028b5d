import { describe, expect, it } from "vitest";
import { isCsrfOriginAllowed } from "next/dist/server/app-render/csrf-protection";
import { devOrigins } from "@/lib/http/dev-origins";

/** The host of an Origin header as Next's development server reads it before matching it against the list. */
const hostOf = (origin: string) => new URL(origin).hostname.toLowerCase();

describe("devOrigins (next.config.ts allowedDevOrigins)", () => {
  it("lets the dev server serve its scripts to pages opened on 127.0.0.1 and [::1], on any port", () => {
    const allowed = devOrigins({});
    for (const origin of [
      "http://127.0.0.1:3000",
      "http://127.0.0.1:4123",
      "http://[::1]:3000",
      "http://localhost:3000",
    ]) {
      expect(isCsrfOriginAllowed(hostOf(origin), allowed), origin).toBe(true);
    }
  });

  it("adds NEXTAUTH_URL's host, and nothing else", () => {
    const allowed = devOrigins({ NEXTAUTH_URL: "http://Keys.Home.Arpa:3000" });
    expect(isCsrfOriginAllowed("keys.home.arpa", allowed)).toBe(true);
    expect(isCsrfOriginAllowed("evil.example", allowed)).toBe(false);
    expect(isCsrfOriginAllowed("127.0.0.2", allowed)).toBe(false);
  });

  it("ignores a NEXTAUTH_URL that is not a URL", () => {
    expect(devOrigins({ NEXTAUTH_URL: "not a url" })).toEqual(devOrigins({}));
    expect(devOrigins({ NEXTAUTH_URL: "  " })).toEqual(devOrigins({}));
  });
});
