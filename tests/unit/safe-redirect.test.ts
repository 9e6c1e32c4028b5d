import { describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { safeReturnPath } from "@/lib/domain/safe-redirect";
import { OFF_SITE_PAYLOADS } from "../fixtures/redirect-payloads";

const SITE = "https://keys.example.test";

/** Where a browser ends up when told to go to `target` from a page of this site. */
function landing(target: string): URL {
  return new URL(target, `${SITE}/login`);
}

function expectOnSite(target: string) {
  expect(target).not.toMatch(/[\u0000-\u001f\u007f]/);
  const url = landing(target);
  expect(url.origin).toBe(SITE);
  expect(url.pathname).not.toMatch(/^\/[\\/]/);
}

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    expect(safeReturnPath("/settings")).toBe("/settings");
    expect(safeReturnPath("/settings?tab=keys#openai")).toBe("/settings?tab=keys#openai");
    expect(safeReturnPath("/?next=//evil.example")).toBe("/?next=//evil.example");
    expect(safeReturnPath(["/a", "/b"])).toBe("/a");
  });

  it("has a corpus of at least 30 payloads", () => {
    expect(OFF_SITE_PAYLOADS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(OFF_SITE_PAYLOADS)("keeps %j on this site", (payload) => {
    const target = safeReturnPath(payload);
    expectOnSite(target);
    expect(landing(target).hostname).not.toMatch(/evil/);
  });

  it.each([
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    "//evil.example",
    "/\\evil.example",
    "https:evil.example",
  ])("sends %j to /settings", (payload) => {
    expect(safeReturnPath(payload)).toBe("/settings");
  });

  it("sends nothing at all to /settings", () => {
    expect(safeReturnPath(undefined)).toBe("/settings");
    expect(safeReturnPath(null)).toBe("/settings");
    expect(safeReturnPath("")).toBe("/settings");
  });
});

describe("next-auth's redirect callback", () => {
  const redirect = authOptions.callbacks!.redirect!;
  const baseUrl = SITE;

  it("keeps this site's paths and absolute URLs, as absolute URLs", async () => {
    expect(await redirect({ url: "/settings?tab=keys", baseUrl })).toBe(`${SITE}/settings?tab=keys`);
    expect(await redirect({ url: `${SITE}/login`, baseUrl })).toBe(`${SITE}/login`);
    expect(await redirect({ url: SITE, baseUrl })).toBe(`${SITE}/`);
  });

  it.each([...OFF_SITE_PAYLOADS, `${SITE}/.//evil.example`, `${SITE}//evil.example`, `${SITE}/%2e//evil.example`])(
    "never throws and keeps %j on this site",
    async (payload) => {
      const target = await redirect({ url: payload, baseUrl });
      expect(target.startsWith(`${SITE}/`)).toBe(true);
      expectOnSite(target);
    },
  );
});
