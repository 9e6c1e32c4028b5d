import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import * as providersRoute from "@/app/api/providers/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import * as revokeRoute from "@/app/api/user/sessions/revoke/route";
import { countStatements } from "@/dev/counters";
import { getAuthSecret } from "@/lib/auth/secret";
import { getProviderByRegistryId, listProvidersForSession } from "@/lib/db/providers";
import { listedKeyViewsJson } from "@/lib/keys/view";
import { type Answer, call } from "../fixtures/http";
import {
  registeredAccount,
  sessionOnly,
  setCookies,
  signInThroughRoute,
  signOutThroughRoute,
} from "../fixtures/next-auth";

/**
 * Sessions end on the server: a session token names a row of the Session table, and a token whose row is gone
 * is refused by every API route (and by pages, lib/auth/session.ts), whichever instance it reaches.
 */
const uuid = "00000000-0000-4000-8000-000000000000";

/** Every API route a signed-in user has, each with a body it accepts. */
async function everyRoute(cookie: string): Promise<Record<string, Answer>> {
  const providerId = (await getProviderByRegistryId("openai"))!.id;
  const json = (method: string, path: string, body?: unknown) => ({ method, path, body, headers: { cookie } });
  return {
    list: await call(keysRoute.GET, json("GET", "/api/user/api-keys")),
    save: await call(
      keysRoute.POST,
      json("POST", "/api/user/api-keys", { providerId, apiKey: "sk-test-valid-x", skipValidation: true }),
    ),
    toggle: await call(keysRoute.PATCH, json("PATCH", "/api/user/api-keys", { providerId, isEnabled: false })),
    remove: await call(keysRoute.DELETE, json("DELETE", "/api/user/api-keys", { providerId })),
    test: await call(testRoute.POST, json("POST", "/api/user/api-keys/test", { providerId })),
    providers: await call(providersRoute.GET, json("GET", "/api/providers")),
    revoke: await call(revokeRoute.POST, json("POST", "/api/user/sessions/revoke")),
  };
}

const statuses = (answers: Record<string, Answer>) =>
  Object.fromEntries(Object.entries(answers).map(([name, a]) => [name, a.status]));

async function nextAuthSession(cookie: string) {
  return call<Record<string, unknown>>(nextAuthRoute.GET, { path: "/api/auth/session", headers: { cookie } });
}

describe("sessions that end on the server", () => {
  it("a token replayed after sign-out answers 401 on every API route, and next-auth's session is empty", async () => {
    const ada = await registeredAccount("ada");
    const { cookies } = await signInThroughRoute(ada.email, ada.password);
    const token = sessionOnly(cookies);
    expect((await call(keysRoute.GET, { headers: { cookie: token } })).status).toBe(200);
    expect((await nextAuthSession(token)).json).toMatchObject({ user: { id: ada.id } });

    const out = await signOutThroughRoute(cookies);
    expect(out.answer.status).toBe(200);
    expect(statuses(await everyRoute(token))).toEqual({
      list: 401,
      save: 401,
      toggle: 401,
      remove: 401,
      test: 401,
      providers: 401,
      revoke: 401,
    });
    const session = await nextAuthSession(token);
    expect(session.json).toEqual({});
    expect(setCookies(session)["next-auth.session-token"]).toBe("");
  });

  it("'sign out everywhere' ends every session of the user at once, and no one else's", async () => {
    const ada = await registeredAccount("ada");
    const bob = await registeredAccount("bob");
    const laptop = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);
    const phone = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);
    const bobs = sessionOnly((await signInThroughRoute(bob.email, bob.password)).cookies);

    const revoked = await call(revokeRoute.POST, {
      method: "POST",
      path: "/api/user/sessions/revoke",
      headers: { cookie: phone },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({ revoked: 2 });
    for (const cookie of [laptop, phone]) expect((await call(keysRoute.GET, { headers: { cookie } })).status).toBe(401);
    expect((await call(keysRoute.GET, { headers: { cookie: bobs } })).status).toBe(200);
  });

  it("a token from before sessions ended on the server (no session id), or naming another user's session, is refused", async () => {
    const ada = await registeredAccount("ada");
    const bob = await registeredAccount("bob");
    const bobs = (await signInThroughRoute(bob.email, bob.password)).cookies["next-auth.session-token"]!;
    const { decodeSessionToken } = await import("@/lib/auth/session-token");
    const bobSid = (await decodeSessionToken({ token: bobs, secret: getAuthSecret() }))!.sid as string;
    for (const claims of [{}, { sid: uuid }, { sid: "not-a-uuid" }, { sid: bobSid }]) {
      const token = await encode({
        token: { sub: ada.id, id: ada.id, email: ada.email, ...claims },
        secret: getAuthSecret(),
      });
      const cookie = `next-auth.session-token=${token}`;
      expect(statuses(await everyRoute(cookie)), JSON.stringify(claims)).toEqual({
        list: 401,
        save: 401,
        toggle: 401,
        remove: 401,
        test: 401,
        providers: 401,
        revoke: 401,
      });
    }
  });

  it("the key and provider lists stay ONE SQL statement with the session check folded in; other routes add one check", async () => {
    const ada = await registeredAccount("ada");
    const token = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);
    const list = await countStatements(() => call(keysRoute.GET, { headers: { cookie: token } }));
    expect(list.result.status).toBe(200);
    expect(list.count).toBe(1);
    const providers = await countStatements(() =>
      call(providersRoute.GET, { path: "/api/providers", headers: { cookie: token } }),
    );
    expect(providers.result.status).toBe(200);
    expect(providers.count).toBe(1);
    const endpoints = await countStatements(() =>
      call(endpointsRoute.GET, { path: "/api/user/endpoints", headers: { cookie: token } }),
    );
    expect(endpoints.result.status).toBe(200);
    expect(endpoints.count).toBe(2);
  });

  it("listProvidersForSession: null without a live session", async () => {
    const ada = await registeredAccount("ada");
    const token = (await signInThroughRoute(ada.email, ada.password)).cookies["next-auth.session-token"]!;
    const { decodeSessionToken } = await import("@/lib/auth/session-token");
    const sid = (await decodeSessionToken({ token, secret: getAuthSecret() }))!.sid as string;
    expect((await listProvidersForSession(ada.id, sid))?.map((p) => p.registryId)).toContain("openai");
    expect(await listProvidersForSession(ada.id, uuid)).toBeNull();
    expect(await listProvidersForSession(uuid, sid)).toBeNull();
  });

  it("the key list's JSON: null without a live session, [] for a live one without keys", async () => {
    const ada = await registeredAccount("ada");
    const token = (await signInThroughRoute(ada.email, ada.password)).cookies["next-auth.session-token"]!;
    const { decodeSessionToken } = await import("@/lib/auth/session-token");
    const sid = (await decodeSessionToken({ token, secret: getAuthSecret() }))!.sid as string;
    expect(await listedKeyViewsJson(ada.id, sid)).toBe("[]");
    expect(await listedKeyViewsJson(ada.id, uuid)).toBeNull();
    expect(await listedKeyViewsJson(uuid, sid)).toBeNull();
    expect(await listedKeyViewsJson(ada.id, "nope")).toBeNull();
  });
});
