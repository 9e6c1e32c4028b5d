import { describe, expect, it } from "vitest";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import { NextRequest } from "next/server";
import { APP_URL, call } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { registeredAccount, signInThroughRoute } from "../fixtures/next-auth";

const MiB = 1024 * 1024;
const logs = captureLogs();

/** A body of `size` bytes sent without Content-Length, counting what the server pulled from it. */
function countedStream(size: number) {
  const pulled = { bytes: 0 };
  const chunk = new TextEncoder().encode("a".repeat(4096));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= size) return controller.close();
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled };
}

describe("the next-auth routes", () => {
  it("sign in with email and password and answer with the session cookie", async () => {
    const ada = await registeredAccount("ada");
    const { answer, cookies } = await signInThroughRoute(ada.email, ada.password, { callbackUrl: "/settings" });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.url).toBe("http://localhost:3000/settings");
    expect(cookies["next-auth.session-token"]).toEqual(expect.any(String));
    const wrong = await signInThroughRoute(ada.email, "wrong password");
    expect(wrong.answer.status).toBe(401);
    expect(wrong.cookies["next-auth.session-token"]).toBeUndefined();
  });

  const tooLarge = { error: "The request body is larger than 16 KiB.", code: "payload_too_large" };
  const notFound = { error: "There is nothing at this address.", code: "not_found" };
  const hugeForm = `csrfToken=x&email=a%40b.c&password=${"a".repeat(MiB)}`;
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it.each(["callback/credentials", "signout"])("answer 413 to a 1 MiB body on POST /api/auth/%s", async (action) => {
    const answer = await call(nextAuthRoute.POST, {
      method: "POST",
      path: `/api/auth/${action}`,
      raw: hugeForm,
      headers: form,
    });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(tooLarge);
  });

  it.each(["signin/credentials", "session", "_log", "no-such-action"])(
    "answer 404 to POST /api/auth/%s without reading its body",
    async (action) => {
      const { stream, pulled } = countedStream(MiB);
      const request = new NextRequest(`${APP_URL}/api/auth/${action}`, {
        method: "POST",
        body: stream,
        headers: form,
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]);
      const answer = await nextAuthRoute.POST(request);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(notFound);
      expect(pulled.bytes).toBeLessThan(64 * 1024);
    },
  );

  it("answer 400 to a JSON body that does not parse", async () => {
    const answer = await call(nextAuthRoute.POST, {
      method: "POST",
      path: "/api/auth/callback/credentials",
      raw: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: "invalid_json" });
  });

  it("stop reading a body sent without Content-Length soon after 16 KiB", async () => {
    const { stream, pulled } = countedStream(MiB);
    const answer = await call(nextAuthRoute.POST, {
      method: "POST",
      path: "/api/auth/callback/credentials",
      raw: stream,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.status).toBe(413);
    expect(pulled.bytes).toBeLessThan(64 * 1024);
  });

  it("answer 404 to next-auth's client logger: no one can write lines into the server's log (POST /api/auth/_log)", async () => {
    const forged = JSON.stringify({ code: "database unavailable (FORGED)", level: "error", message: "FORGED" });
    for (const origin of [APP_URL, "https://evil.example"]) {
      const request = new NextRequest(`${APP_URL}/api/auth/_log`, {
        method: "POST",
        body: forged,
        headers: { "content-type": "application/json", origin },
      });
      const answer = await nextAuthRoute.POST(request);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(notFound);
    }
    expect(logs.filter((line) => line.includes("FORGED"))).toEqual([]);
  });

  // What the app uses: next-auth/react's signIn (providers, csrf, callback/credentials, session), the sign-out
  // (csrf, signout), and the pages next-auth's own redirects point at (signin → /login, error).
  const used = [
    ["GET", "csrf"],
    ["GET", "providers"],
    ["GET", "session"],
    ["GET", "signin"],
    ["GET", "error"],
  ] as const;
  const unused = [
    ["GET", "signout"],
    ["GET", "verify-request"],
    ["GET", "callback/credentials"],
    ["GET", "signin/credentials"],
    ["GET", "providers/credentials"],
    ["GET", "csrf/extra"],
    ["GET", "_log"],
    ["GET", ""],
    ["GET", "no-such-action"],
    ["POST", "signin"],
    ["POST", "callback/github"],
    ["POST", "csrf"],
    ["POST", "providers"],
    ["POST", "error"],
  ] as const;

  it.each(used)("still answer %s /api/auth/%s, which the app uses", async (method, action) => {
    const answer = await nextAuthRoute.GET(new NextRequest(`${APP_URL}/api/auth/${action}`, { method }));
    expect(answer.status, action).toBeLessThan(400);
  });

  it.each(unused)("answer 404 to %s /api/auth/%s, which the app does not use", async (method, action) => {
    const handler = method === "GET" ? nextAuthRoute.GET : nextAuthRoute.POST;
    const init = method === "GET" ? {} : { body: "csrfToken=x", headers: form };
    const answer = await handler(new NextRequest(`${APP_URL}/api/auth/${action}`, { method, ...init }));
    expect(answer.status, `${method} ${action}`).toBe(404);
    expect(await answer.json()).toEqual(notFound);
  });
});
