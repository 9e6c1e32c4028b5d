import { expect, test } from "./fixtures";
import { signUpAndSignIn } from "./helpers";

/** The headers every page and API answer carries, read from the production server as a browser gets them. */
const scriptTags = (html: string) => [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);

test("every page has a Content-Security-Policy with a fresh nonce that every script of the page carries", async ({
  page,
}) => {
  await signUpAndSignIn(page, "csp");
  const nonces = new Set<string>();
  for (const path of ["/", "/login", "/register", "/settings", "/no-such-page"]) {
    const answer = await page.request.get(path, { maxRedirects: 0 });
    const policy = answer.headers()["content-security-policy"] ?? "";
    const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    const nonce = scriptSrc.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce, `${path}: ${policy}`).toBeDefined();
    expect(scriptSrc, path).toContain("'strict-dynamic'");
    expect(scriptSrc, path).not.toContain("'unsafe-inline'");
    expect(policy, path).toContain("frame-ancestors 'none'");
    nonces.add(nonce!);
    if (answer.status() === 200 || answer.status() === 404) {
      const scripts = scriptTags(await answer.text());
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
  }
  expect(nonces.size).toBe(5);
});

test("a prefetch or an RSC request of a page gets the policy too: every HTML answer carries one", async ({ page }) => {
  await signUpAndSignIn(page, "prefetch");
  const prefetches: Record<string, string>[] = [
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "next-router-prefetch": "1", rsc: "1" },
    { rsc: "1" },
  ];
  for (const path of ["/login", "/settings"]) {
    for (const headers of prefetches) {
      const answer = await page.request.get(path, { headers, maxRedirects: 0 });
      const policy = answer.headers()["content-security-policy"] ?? "";
      expect(policy, `${path} ${JSON.stringify(headers)}`).toMatch(/script-src [^;]*'nonce-[^']+' 'strict-dynamic'/);
      expect(policy, path).toContain("frame-ancestors 'none'");
    }
  }
});

test("API answers carry a policy that runs nothing, and no page can be framed", async ({ request }) => {
  const answer = await request.get("/api/health");
  expect(answer.headers()["content-security-policy"]).toBe(
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  );
  expect(answer.headers()["x-frame-options"]).toBe("DENY");
  expect((await request.get("/login")).headers()["x-frame-options"]).toBe("DENY");
});

test("the gateway's answers (served by its own entry) carry the API's headers, a request id and CORS", async ({
  request,
}) => {
  const [gateway, health] = await Promise.all([request.get("/api/v1/models"), request.get("/api/health")]);
  expect(gateway.status()).toBe(401);
  for (const name of [
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
  ])
    expect(gateway.headers()[name], name).toBe(health.headers()[name]);
  expect(gateway.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(gateway.headers()["access-control-allow-origin"]).toBe("*");
});
