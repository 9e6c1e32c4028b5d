import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import * as loginRoute from "@/app/api/auth/login/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import * as registerRoute from "@/app/api/auth/register/route";
import { addressKey, peerHeaders } from "@/lib/http/client-address";
import { authErrorSentence } from "@/lib/auth/form-errors";
import { consumePoint } from "@/lib/db/counters";
import { LIMITS } from "@/lib/rate-limits";
import { APP_URL, type Answer, call } from "../fixtures/http";
import { cookieHeader, randomAddress, registeredAccount, setCookies } from "../fixtures/next-auth";

/**
 * The sign-in and sign-up forms posted as a browser without JavaScript posts them (urlencoded, with its Origin):
 * every outcome is a 303 to a page, signed in or back to the form with a code; never JSON, never a 5xx, and the
 * email and password never in the Location.
 */
type Route = { POST: (request: never) => Promise<Response> };

function post(
  route: Route,
  path: string,
  fields: Record<string, string>,
  options: { address?: string; headers?: Record<string, string>; raw?: string } = {},
) {
  return call(route.POST as never, {
    method: "POST",
    path,
    raw: options.raw ?? new URLSearchParams(fields).toString(),
    headers: {
      ...peerHeaders(options.address ?? randomAddress()),
      "content-type": "application/x-www-form-urlencoded",
      origin: APP_URL,
      ...options.headers,
    },
  });
}

const signInForm = (fields: Record<string, string>, options?: Parameters<typeof post>[3]) =>
  post(loginRoute, "/api/auth/login", fields, options);
const signUpForm = (fields: Record<string, string>, options?: Parameters<typeof post>[3]) =>
  post(registerRoute, "/api/auth/register", fields, options);

/** Who next-auth says is signed in with the cookies an answer set. */
async function sessionEmail(answer: Answer): Promise<string | undefined> {
  const session = await call<{ user?: { email: string } }>(nextAuthRoute.GET, {
    path: "/api/auth/session",
    headers: { cookie: cookieHeader(setCookies(answer)) },
  });
  return session.json.user?.email;
}

function expectSeeOther(answer: Answer, location: string, secrets: string[]) {
  expect(answer.status, answer.text).toBe(303);
  expect(answer.text).toBe("");
  expect(answer.headers.get("location")).toBe(location);
  for (const secret of secrets) {
    expect(answer.headers.get("location")).not.toContain(secret);
    expect(answer.headers.get("location")).not.toContain(encodeURIComponent(secret));
  }
}

const newEmail = () => `form.${randomUUID()}@example.test`;

describe("POST /api/auth/login (the sign-in form without JavaScript)", () => {
  it("signs in and sends the browser to the return path with the session and device cookies", async () => {
    const ada = await registeredAccount("ada");
    const answer = await signInForm({ email: ada.email, password: ada.password, callbackUrl: "/settings?tab=keys" });
    expectSeeOther(answer, "/settings?tab=keys", [ada.email, ada.password]);
    expect(Object.keys(setCookies(answer))).toEqual(expect.arrayContaining(["next-auth.session-token", "byok-device"]));
    expect(await sessionEmail(answer)).toBe(ada.email);
  });

  it("a wrong password or unknown email: back to /login with CredentialsSignin, no session", async () => {
    const ada = await registeredAccount("ada");
    for (const fields of <Record<string, string>[]>[
      { email: ada.email, password: "wrong password" },
      { email: newEmail(), password: ada.password },
      { email: "", password: "" },
      {},
    ]) {
      const answer = await signInForm(fields);
      expectSeeOther(answer, "/login?error=CredentialsSignin", [ada.email, ada.password]);
      expect(setCookies(answer)["next-auth.session-token"]).toBeUndefined();
    }
    const kept = await signInForm({ email: ada.email, password: "nope", callbackUrl: "/settings#account" });
    expectSeeOther(kept, `/login?error=CredentialsSignin&callbackUrl=${encodeURIComponent("/settings#account")}`, []);
  });

  it("an off-site return path becomes /settings", async () => {
    const ada = await registeredAccount("ada");
    for (const callbackUrl of ["https://evil.example/x", "//evil.example", "/\\evil.example", "/.//evil.example"]) {
      expectSeeOther(await signInForm({ email: ada.email, password: ada.password, callbackUrl }), "/settings", []);
    }
  });

  it("keeps the lockout: after 10 wrong passwords the right one is refused, with how long to wait", async () => {
    const ada = await registeredAccount("ada");
    for (let i = 0; i < 10; i++)
      expectSeeOther(
        await signInForm({ email: ada.email, password: "wrong password" }),
        "/login?error=CredentialsSignin",
        [],
      );
    const locked = await signInForm({ email: ada.email, password: ada.password });
    // The wait is what is left of the 15-minute window, in seconds.
    expectSeeOther(locked, locked.headers.get("location")!, [ada.email, ada.password]);
    expect(locked.headers.get("location")).toMatch(/^\/login\?error=rate_limited&retry=(8[6-9]\d|900)$/);
    expect(setCookies(locked)["next-auth.session-token"]).toBeUndefined();
  });

  it("refuses a post from another site, a body over 16 KiB and a JSON body, each back to the form", async () => {
    const ada = await registeredAccount("ada");
    const crossSite = await signInForm(
      { email: ada.email, password: ada.password },
      { headers: { origin: "https://evil.example" } },
    );
    expectSeeOther(crossSite, "/login?error=cross_origin", []);
    expect(setCookies(crossSite)["next-auth.session-token"]).toBeUndefined();
    const big = await signInForm({}, { raw: `email=${"a".repeat(17 * 1024)}` });
    expectSeeOther(big, "/login?error=payload_too_large", []);
    const json = await signInForm(
      {},
      {
        raw: JSON.stringify({ email: ada.email, password: ada.password }),
        headers: { "content-type": "application/json" },
      },
    );
    expectSeeOther(json, "/login?error=unsupported_media_type", []);
  });
});

describe("POST /api/auth/register as a form (the sign-up form without JavaScript)", () => {
  it("creates the account, signs it in and sends the browser to the return path", async () => {
    const email = newEmail();
    const password = `pw-${randomUUID()}`;
    const answer = await signUpForm({ name: "", email, password, callbackUrl: "/settings?from=signup" });
    expectSeeOther(answer, "/settings?from=signup", [email, password]);
    expect(await sessionEmail(answer)).toBe(email);
  });

  it("a taken email or a field the schema refuses: back to /register with the code, nothing created", async () => {
    const ada = await registeredAccount("ada");
    expectSeeOther(
      await signUpForm({ email: ada.email.toUpperCase(), password: "long enough" }),
      "/register?error=email_taken",
      [ada.email],
    );
    const email = newEmail();
    expectSeeOther(await signUpForm({ email, password: "tiny7" }), "/register?error=short_password", [email, "tiny7"]);
    expectSeeOther(await signUpForm({ email, password: "" }), "/register?error=missing_password", [email]);
    expectSeeOther(
      await signUpForm({ email: "not an email", password: "long enough" }),
      "/register?error=invalid_email",
      ["long enough"],
    );
    expectSeeOther(
      await signUpForm({ email, password: "long enough", name: "n".repeat(101) }),
      "/register?error=long_name",
      [email],
    );
    // A NUL byte, which no text column can hold: refused before the database (which answered "unavailable").
    expectSeeOther(
      await signUpForm({ email, password: "long enough", name: "a\u0000b" }),
      "/register?error=invalid_body",
      [email],
    );
    expectSeeOther(await signUpForm({ email, password: "long\u0000enough" }), "/register?error=invalid_body", [email]);
    // None of those created the account: it can still be made.
    expectSeeOther(await signUpForm({ email, password: "long enough" }), "/settings", [email]);
  });

  it("keeps the per-address limit on new accounts", async () => {
    const address = randomAddress();
    // The address has used its allowance (counted as the route counts it, without hashing 100 passwords).
    const { points, windowSeconds } = LIMITS.registration;
    for (let i = 0; i < points; i++) await consumePoint(`register:${addressKey(address)}`, windowSeconds);
    const refused = await signUpForm({ email: newEmail(), password: "long enough" }, { address });
    expect(refused.headers.get("location")).toMatch(/^\/register\?error=rate_limited&retry=\d+$/);
  });

  it("refuses a post from another site, and a body over 16 KiB", async () => {
    const email = newEmail();
    expectSeeOther(
      await signUpForm({ email, password: "long enough" }, { headers: { origin: "https://evil.example" } }),
      "/register?error=cross_origin",
      [],
    );
    expectSeeOther(
      await signUpForm({}, { raw: `email=${email}&password=${"p".repeat(17 * 1024)}` }),
      "/register?error=payload_too_large",
      [],
    );
    expectSeeOther(await signUpForm({ email, password: "long enough" }), "/settings", []);
  });
});

describe("a form posted from another address of this server (NEXTAUTH_URL names the site's)", () => {
  it("sends the browser to the same form at the site's address, signing in or creating nothing; another site is still refused", async () => {
    const before = process.env.NEXTAUTH_URL;
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    try {
      const ada = await registeredAccount("ada");
      const at127 = { headers: { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" } };
      const signIn = await signInForm({ email: ada.email, password: ada.password }, at127);
      expectSeeOther(signIn, "http://localhost:3000/login?error=other_address", [ada.email, ada.password]);
      expect(setCookies(signIn)["next-auth.session-token"]).toBeUndefined();
      const email = newEmail();
      expectSeeOther(
        await signUpForm({ email, password: "long enough" }, at127),
        "http://localhost:3000/register?error=other_address",
        [email],
      );
      expect((await signInForm({ email, password: "long enough" })).headers.get("location")).toBe(
        "/login?error=CredentialsSignin",
      );

      const evil = { headers: { origin: "https://evil.example", host: "127.0.0.1:3000" } };
      expectSeeOther(
        await signInForm({ email: ada.email, password: ada.password }, evil),
        "/login?error=cross_origin",
        [],
      );
      expect(authErrorSentence("/login", "other_address")).toMatch(/another of its addresses/);
    } finally {
      vi.stubEnv("NEXTAUTH_URL", before);
    }
  });
});

describe("POST /api/auth/logout (the sign-out button without JavaScript)", () => {
  it("ends the session on the server and clears its cookie: the old cookie opens nothing", async () => {
    const ada = await registeredAccount("ada");
    const signedIn = await signInForm({ email: ada.email, password: ada.password });
    const cookies = setCookies(signedIn);
    const answer = await post(logoutRoute, "/api/auth/logout", {}, { headers: { cookie: cookieHeader(cookies) } });
    expectSeeOther(answer, "/login?signedOut=1", []);
    expect(setCookies(answer)["next-auth.session-token"]).toBe("");
    // The cookie kept from before is refused: the Session row is gone.
    expect(await sessionEmail(signedIn)).toBeUndefined();
  });

  it("refuses a post from another site: the session stays", async () => {
    const ada = await registeredAccount("ada");
    const signedIn = await signInForm({ email: ada.email, password: ada.password });
    const answer = await post(
      logoutRoute,
      "/api/auth/logout",
      {},
      { headers: { cookie: cookieHeader(setCookies(signedIn)), origin: "https://evil.example" } },
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ code: "cross_origin" });
    expect(await sessionEmail(signedIn)).toBe(ada.email);
  });
});
