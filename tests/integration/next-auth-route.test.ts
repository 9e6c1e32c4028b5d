import { describe, expect, it } from "vitest";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import { NextRequest } from "next/server";
import { APP_URL, call } from "../fixtures/http";
import { registeredAccount, signInThroughRoute } from "../fixtures/next-auth";

const MiB = 1024 * 1024;

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
  const hugeForm = `csrfToken=x&email=a%40b.c&password=${"a".repeat(MiB)}`;
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it.each(["callback/credentials", "signout"])("answer 413 to a 1 MiB body on POST /api/auth/%s", async (action) => {
    const answer = await call(nextAuthRoute.POST, { method: "POST", path: `/api/auth/${action}`, raw: hugeForm, headers: form });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(tooLarge);
  });

  it.each(["signin/credentials", "session", "_log", "no-such-action"])("answer 413 on the undocumented POST /api/auth/%s too", async (action) => {
    const request = new NextRequest(`${APP_URL}/api/auth/${action}`, { method: "POST", body: hugeForm, headers: form });
    const answer = await nextAuthRoute.POST(request);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual(tooLarge);
  });

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
});
