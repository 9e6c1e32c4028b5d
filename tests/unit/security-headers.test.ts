import { NextRequest } from "next/server";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkAuthConfig } from "@/lib/auth/secret";
import { installSiteHeaders } from "@/lib/http/site-headers";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { config, proxy } from "@/proxy";

const page = (path = "/settings") => new NextRequest(`http://localhost:3000${path}`);

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (policy ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

afterEach(() => vi.unstubAllEnvs());

describe("the headers of every page (proxy.ts)", () => {
  it("a Content-Security-Policy with a fresh nonce per request and 'strict-dynamic', no inline scripts, no framing", () => {
    const first = proxy(page());
    const second = proxy(page("/login"));
    const policy = directives(first.headers.get("content-security-policy"));
    const nonce = policy["script-src"]!.find((v) => v.startsWith("'nonce-"));
    expect(nonce).toMatch(/^'nonce-[A-Za-z0-9+/=_-]{22,}'$/);
    expect(policy["script-src"]).toContain("'strict-dynamic'");
    expect(policy["script-src"]).not.toContain("'unsafe-inline'");
    expect(policy["script-src"]).not.toContain("'unsafe-eval'");
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["base-uri"]).toEqual(["'self'"]);
    expect(directives(second.headers.get("content-security-policy"))["script-src"]).not.toContain(nonce);
  });

  it("forms post to this site, and may be sent on to its own address (NEXTAUTH_URL), nowhere else", () => {
    vi.stubEnv("NEXTAUTH_URL", "");
    expect(directives(proxy(page()).headers.get("content-security-policy"))["form-action"]).toEqual(["'self'"]);
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000/");
    expect(directives(proxy(page()).headers.get("content-security-policy"))["form-action"]).toEqual([
      "'self'",
      "http://localhost:3000",
    ]);
  });

  it("hands the same policy and nonce to the page render (Next reads the nonce from the request's policy)", () => {
    const response = proxy(page());
    const policy = response.headers.get("content-security-policy")!;
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    const nonce = response.headers.get("x-middleware-request-x-nonce");
    expect(policy).toContain(`'nonce-${nonce}'`);
  });

  it("Strict-Transport-Security only when NEXTAUTH_URL is https", () => {
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    expect(proxy(page()).headers.get("strict-transport-security")).toBeNull();
    vi.stubEnv("NEXTAUTH_URL", "https://keys.example.com");
    expect(proxy(page()).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(directives(proxy(page()).headers.get("content-security-policy"))).toHaveProperty(
      "upgrade-insecure-requests",
    );
  });
});

describe("which requests the proxy runs for (its matcher, as Next evaluates it)", () => {
  const runsFor = (url: string, headers: Record<string, string> = {}) =>
    unstable_doesMiddlewareMatch({ config, url, headers });

  it("every page request, router prefetches and RSC requests included: each HTML answer carries the policy", () => {
    expect(runsFor("/login")).toBe(true);
    expect(runsFor("/login", { purpose: "prefetch" })).toBe(true);
    expect(runsFor("/settings", { "next-router-prefetch": "1", rsc: "1" })).toBe(true);
    expect(runsFor("/settings?_rsc=abc", { rsc: "1" })).toBe(true);
    expect(runsFor("/no-such-page", { "sec-purpose": "prefetch" })).toBe(true);
  });

  it("not the API (its body would be copied into memory for the proxy), nor the build's static files", () => {
    expect(runsFor("/api/health")).toBe(false);
    expect(runsFor("/api/user/api-keys", { purpose: "prefetch" })).toBe(false);
    expect(runsFor("/_next/static/chunks/main.js")).toBe(false);
    expect(runsFor("/_next/image?url=x")).toBe(false);
    expect(runsFor("/favicon.ico")).toBe(false);
  });

  it("a prefetch of a page gets the page's policy, with a nonce", () => {
    const response = proxy(new NextRequest("http://localhost:3000/login", { headers: { purpose: "prefetch" } }));
    expect(directives(response.headers.get("content-security-policy"))["script-src"]).toContain("'strict-dynamic'");
  });
});

describe("every answer of the server, the API's included (lib/http/site-headers.ts)", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    installSiteHeaders();
    server = createServer((request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("carries Strict-Transport-Security when NEXTAUTH_URL is https, read at each request", async () => {
    vi.stubEnv("NEXTAUTH_URL", "https://keys.example.com");
    for (const path of [
      "/api/user/api-keys",
      "/api/auth/csrf",
      "/api/health/live",
      "/_next/static/chunks/x.js",
      "/login",
    ]) {
      expect((await fetch(`${url}${path}`)).headers.get("strict-transport-security"), path).toBe(
        "max-age=63072000; includeSubDomains",
      );
    }
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    expect((await fetch(`${url}/api/user/api-keys`)).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("production refuses to start without a sound auth configuration", () => {
  const strong = "q6lO4hFQ0YxF6c2vH8bZJ2m1Xo8d9nP3rS5tU7wY0aE=";

  it("names NEXTAUTH_URL when it is missing or not an http(s) URL", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXTAUTH_SECRET", strong);
    for (const value of ["", "keys.example.com", "ftp://keys.example.com"]) {
      vi.stubEnv("NEXTAUTH_URL", value);
      expect(() => checkAuthConfig()).toThrow(/NEXTAUTH_URL/);
    }
    vi.stubEnv("NEXTAUTH_URL", "https://keys.example.com");
    expect(() => checkAuthConfig()).not.toThrow();
  });

  it("names NEXTAUTH_SECRET when it is missing or shorter than 32 bytes", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXTAUTH_URL", "https://keys.example.com");
    for (const value of ["", "short", "x".repeat(31)]) {
      vi.stubEnv("NEXTAUTH_SECRET", value);
      expect(() => checkAuthConfig()).toThrow(/NEXTAUTH_SECRET/);
    }
    vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
    expect(() => checkAuthConfig()).not.toThrow();
  });

  it("development needs neither", () => {
    vi.stubEnv("NODE_ENV", "development");
    vi.stubEnv("NEXTAUTH_URL", "");
    expect(() => checkAuthConfig()).not.toThrow();
  });
});
