import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import { peerHeaders } from "@/lib/http/client-address";
import { APP_URL, call } from "../fixtures/http";
import { cookieHeader, registeredAccount, setCookies, signInThroughRoute } from "../fixtures/next-auth";
import { SERVER_PAYLOADS } from "../fixtures/redirect-payloads";

/**
 * next-auth's routes take a callbackUrl from the body, the query and a cookie, and an error name from the query:
 * whatever a client puts there, the answer is never a 5xx, and wherever it sends the browser is this site.
 */
function expectOnSite(target: string | null | undefined, payload: string) {
  if (!target) return;
  const url = new URL(target, `${APP_URL}/api/auth/signin`);
  expect(url.origin, JSON.stringify(payload)).toBe(APP_URL);
  expect(url.pathname, JSON.stringify(payload)).not.toMatch(/^\/[\\/]/);
}

/** Percent-encoded as a browser would send it; a lone surrogate (which encodeURIComponent refuses) as its bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, "")) + "%ED%A0%80";
  }
}

/** For next-auth routes the OpenAPI document does not describe (its HTML pages and redirects). */
const get = (path: string) =>
  nextAuthRoute.GET(new NextRequest(`${APP_URL}${path}`, { headers: peerHeaders("10.0.0.1") }));
const form = { "content-type": "application/x-www-form-urlencoded" };

describe("next-auth's routes and a client's callbackUrl", () => {
  it("have a corpus of at least 76 payloads", () => {
    expect(SERVER_PAYLOADS.length).toBeGreaterThanOrEqual(76);
  });

  it("sign in with each callbackUrl in the body: never a 5xx, always back to this site", async () => {
    const ada = await registeredAccount("ada");
    for (const payload of SERVER_PAYLOADS) {
      for (const password of [ada.password, "wrong password"]) {
        const { answer } = await signInThroughRoute(ada.email, password, { callbackUrl: payload });
        expect(answer.status, JSON.stringify(payload)).toBeLessThan(500);
        expectOnSite(answer.json?.url, payload);
      }
    }
  });

  it("GET /api/auth/signin?callbackUrl=<payload> and ?error=<payload>: never a 5xx, redirect on this site", async () => {
    for (const payload of SERVER_PAYLOADS) {
      for (const query of [`callbackUrl=${encode(payload)}`, `error=${encode(payload)}`]) {
        const answer = await get(`/api/auth/signin?${query}`);
        expect(answer.status, query).toBeLessThan(500);
        expectOnSite(answer.headers.get("location"), payload);
      }
    }
  });

  it("GET /api/auth/error?error=<payload>: never a 5xx", async () => {
    for (const payload of SERVER_PAYLOADS) {
      const answer = await get(`/api/auth/error?error=${encode(payload)}`);
      expect(answer.status, JSON.stringify(payload)).toBeLessThan(500);
      expectOnSite(answer.headers.get("location"), payload);
    }
  });

  it("a callback-url cookie holding a payload, and a sign-out with one: never a 5xx", async () => {
    const ada = await registeredAccount("bob");
    const { cookies } = await signInThroughRoute(ada.email, ada.password);
    for (const payload of SERVER_PAYLOADS) {
      const csrf = await call<{ csrfToken: string }>(nextAuthRoute.GET, {
        path: "/api/auth/csrf",
        headers: { cookie: cookieHeader({ ...cookies, "next-auth.callback-url": encode(payload) }) },
      });
      expect(csrf.status, JSON.stringify(payload)).toBe(200);
      const jar = { ...cookies, ...setCookies(csrf), "next-auth.callback-url": encode(payload) };
      const rewritten = setCookies(csrf)["next-auth.callback-url"];
      if (rewritten) expectOnSite(decodeURIComponent(rewritten), payload);
      const body = new URLSearchParams({ csrfToken: csrf.json.csrfToken, callbackUrl: payload, json: "true" });
      const signOut = await call<{ url: string }>(nextAuthRoute.POST, {
        method: "POST",
        path: "/api/auth/signout",
        raw: body.toString(),
        headers: { ...form, cookie: cookieHeader(jar) },
      });
      expect(signOut.status, JSON.stringify(payload)).toBe(200);
      expectOnSite(signOut.json.url, payload);
    }
  });
});
