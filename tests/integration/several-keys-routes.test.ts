import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as keyRoute from "@/app/api/user/api-keys/[id]/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as testRoute from "@/app/api/user/api-keys/test/route";
import * as settingsRoute from "@/app/api/providers/[id]/settings/route";
import * as providersRoute from "@/app/api/providers/route";
import * as activityRoute from "@/app/api/user/activity/route";
import { getDb } from "@/lib/db/client";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import { eq } from "drizzle-orm";
import { keyEvent, userApiKey } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { openApiKeysForUse, openStoredApiKey } from "@/lib/keys/vault";
import { countStatements } from "@/dev/counters";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { type Answer, call, type CallOptions, sessionCookie } from "../fixtures/http";
import { fakeKey, insertUser } from "../fixtures/users";

/** Contract: CONTRACT-NEXT.md, "Several keys per provider". Every route by provider and by id, on this database. */

type Row = {
  id: string;
  providerId: string;
  apiKey: string;
  label: string;
  position: number;
  expiresAt: string | null;
  isEnabled: boolean;
  health: string;
};

let fake: FakeProviders;
let ada: PublicUser;
let babbage: PublicUser;
let openai: ProviderRecord;
let anthropic: ProviderRecord;

const key = (behaviour = "valid") => `sk-test-${behaviour}-${fakeKey("")}`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const keys = (options: CallOptions) =>
  call<Row & { validation: unknown }>(keysRoute.POST, { method: "POST", ...options });
const list = async (as: PublicUser, providerId = openai.id) =>
  (await call<Row[]>(keysRoute.GET, { as })).json
    .filter((r) => r.providerId === providerId)
    .sort((a, b) => a.position - b.position);
type Who = PublicUser | { cookie: string };
const who = (as: Who): CallOptions => ("cookie" in as ? { headers: { cookie: as.cookie } } : { as });
const patch = (id: string, body: unknown, as: Who = ada) =>
  call<Row>(keyRoute.PATCH, { method: "PATCH", path: `/api/user/api-keys/${id}`, body, ...who(as) });
const remove = (id: string, as: Who = ada) =>
  call(keyRoute.DELETE, { method: "DELETE", path: `/api/user/api-keys/${id}`, ...who(as) });
const settings = (providerId: string, body: unknown, as: Who = ada) =>
  call<{ providerId: string; fallback: boolean }>(settingsRoute.PATCH, {
    method: "PATCH",
    path: `/api/providers/${providerId}/settings`,
    body,
    ...who(as),
  });
/** The guard's session check, then the change itself: one statement. */
const GUARD = 1;

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code, error: expect.any(String) });
}

async function snapshot() {
  const db = await getDb();
  return JSON.stringify(await db.select().from(userApiKey).orderBy(userApiKey.id));
}

/** Saves keys labelled as given for `as` (skipping the check), in order. */
async function saveLabels(as: PublicUser, labels: string[], providerId = openai.id): Promise<Row[]> {
  const saved: Row[] = [];
  for (const label of labels) {
    const answer = await keys({ as, body: { providerId, apiKey: key(), label, skipValidation: true } });
    expect(answer.status, answer.text).toBe(200);
    saved.push(answer.json);
  }
  return saved;
}

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 5_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  ada = await insertUser("ada");
  babbage = await insertUser("babbage");
  openai = (await getProviderByRegistryId("openai"))!;
  anthropic = (await getProviderByRegistryId("anthropic"))!;
});

afterAll(() => fake.close());

describe("POST /api/user/api-keys with and without a label", () => {
  it("keeps the seed's meaning for one key: no label creates Default, then replaces the primary", async () => {
    const user = await insertUser("solo");
    const first = await keys({ as: user, body: { providerId: anthropic.id, apiKey: key() } });
    expect(first.json).toMatchObject({
      label: "Default",
      position: 0,
      expiresAt: null,
      validation: { status: "valid" },
    });
    const again = await keys({ as: user, body: { providerId: anthropic.id, apiKey: key() } });
    expect(again.json).toMatchObject({ id: first.json.id, label: "Default", position: 0 });
    expect(await list(user, anthropic.id)).toHaveLength(1);
  });

  it("adds a labelled key last, replaces one by its label in any case, and refuses a sixth with 409 too_many_keys", async () => {
    const user = await insertUser("many");
    const [work, personal] = await saveLabels(user, ["Work", "Personal"]);
    expect([work!.position, personal!.position]).toEqual([0, 1]);
    const replaced = await keys({
      as: user,
      body: { providerId: openai.id, apiKey: key(), label: "WORK", skipValidation: true },
    });
    expect(replaced.json).toMatchObject({ id: work!.id, label: "Work", position: 0 });
    // Without a label, the primary is replaced, whatever it is called.
    const primary = await keys({ as: user, body: { providerId: openai.id, apiKey: key(), skipValidation: true } });
    expect(primary.json).toMatchObject({ id: work!.id, position: 0 });
    await saveLabels(user, ["Three", "Four", "Five"]);
    const before = await snapshot();
    expectError(
      await keys({ as: user, body: { providerId: openai.id, apiKey: key(), label: "Six", skipValidation: true } }),
      409,
      "too_many_keys",
    );
    expect(await snapshot()).toBe(before);
    // A full provider still takes a replacement by label.
    expect(
      (await keys({ as: user, body: { providerId: openai.id, apiKey: key(), label: "five", skipValidation: true } }))
        .status,
    ).toBe(200);
    expect((await list(user)).map((r) => [r.label, r.position])).toEqual([
      ["Work", 0],
      ["Personal", 1],
      ["Three", 2],
      ["Four", 3],
      ["Five", 4],
    ]);
  });

  it("saves an expiry with the key; a past or unparseable one, or a bad label, is 400 and changes nothing", async () => {
    const user = await insertUser("expiry");
    const saved = await keys({
      as: user,
      body: { providerId: openai.id, apiKey: key(), label: "Temp", expiresAt: inDays(3), skipValidation: true },
    });
    expect(saved.json.expiresAt).toBe(new Date(saved.json.expiresAt!).toISOString());
    const before = await snapshot();
    for (const body of [
      { label: "Temp", expiresAt: inDays(-1) },
      { label: "Temp", expiresAt: "tomorrow" },
      { label: "Temp", expiresAt: "2030-13-45T00:00:00Z" },
      { label: "" },
      { label: "   " },
      { label: "x".repeat(41) },
      { label: "line\nbreak" },
      { label: 7 },
    ]) {
      expectError(
        await keys({ as: user, body: { providerId: openai.id, apiKey: key(), skipValidation: true, ...body } }),
        400,
        "invalid_body",
      );
    }
    expect(await snapshot()).toBe(before);
    expect(
      (
        await keys({
          as: user,
          body: { providerId: openai.id, apiKey: key(), label: "x".repeat(40), skipValidation: true },
        })
      ).status,
    ).toBe(200);
  });

  it("200 concurrent saves of one label make one row, with one created event and the rest replaced", async () => {
    const user = await insertUser("racer");
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        keys({
          as: user,
          body: { providerId: openai.id, apiKey: key(), label: i % 2 ? "Shared" : "shared", skipValidation: true },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(await list(user)).toHaveLength(1);
    const db = await getDb();
    const events = await db.select({ type: keyEvent.type }).from(keyEvent).where(eq(keyEvent.userId, user.id));
    expect(events.filter((e) => e.type === "key_created")).toHaveLength(1);
    expect(events.filter((e) => e.type === "key_replaced")).toHaveLength(199);
  }, 60_000);

  it("concurrent saves of different labels never pass five keys, and positions stay 0..n-1", async () => {
    const user = await insertUser("crowd");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        keys({ as: user, body: { providerId: openai.id, apiKey: key(), label: `Key ${i}`, skipValidation: true } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    for (const a of answers.filter((a) => a.status !== 200)) expectError(a, 409, "too_many_keys");
    expect((await list(user)).map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
  }, 60_000);
});

describe("PATCH /api/user/api-keys/<id>", () => {
  it("renames, moves, enables/disables and sets the expiry, one statement each with its event", async () => {
    const user = await insertUser("patcher");
    const [a, b, c] = await saveLabels(user, ["A", "B", "C"]);
    const signedIn = { cookie: await sessionCookie(user) };
    const renamed = await countStatements(() => patch(a!.id, { label: "  Work  " }, signedIn));
    expect(renamed.count).toBe(GUARD + 1);
    expect(renamed.result.json).toMatchObject({ label: "Work", position: 0 });
    const moved = await countStatements(() => patch(c!.id, { position: 0 }, signedIn));
    expect(moved.count).toBe(GUARD + 1);
    expect((await list(user)).map((r) => r.label)).toEqual(["C", "Work", "B"]);
    expect((await patch(c!.id, { position: 2 }, user)).json.position).toBe(2);
    expect((await list(user)).map((r) => r.label)).toEqual(["Work", "B", "C"]);
    expect((await patch(b!.id, { isEnabled: false }, user)).json.isEnabled).toBe(false);
    const expiry = inDays(10);
    expect((await patch(b!.id, { expiresAt: expiry }, user)).json.expiresAt).toBe(expiry);
    expect((await patch(b!.id, { expiresAt: null }, user)).json.expiresAt).toBeNull();
    // Everything at once.
    expect(
      (await patch(b!.id, { label: "Backup", isEnabled: true, position: 0, expiresAt: expiry }, user)).json,
    ).toMatchObject({
      label: "Backup",
      isEnabled: true,
      position: 0,
      expiresAt: expiry,
    });
    const events = (
      await call<{ events: { type: string; detail: Record<string, unknown> }[] }>(activityRoute.GET, {
        as: user,
        path: "/api/user/activity",
      })
    ).json.events;
    expect(
      events
        .map((e) => e.type)
        .slice(0, 4)
        .sort(),
    ).toEqual(["key_enabled", "key_expiry_changed", "key_moved", "key_renamed"]);
    expect(events.find((e) => e.type === "key_renamed")?.detail).toEqual({ label: "Backup", previousLabel: "B" });
  });

  it("a rename needs no re-encryption: the key still opens, its envelope unchanged", async () => {
    const user = await insertUser("renamer");
    const secret = key();
    await keys({ as: user, body: { providerId: anthropic.id, apiKey: secret, skipValidation: true } });
    const before = (await openStoredApiKey(user.id, anthropic.id))!;
    await patch(before.id, { label: "Renamed" }, user);
    const after = (await openStoredApiKey(user.id, anthropic.id))!;
    expect(after).toMatchObject({ apiKey: secret, sealed: before.sealed, label: "Renamed" });
  });

  it("a taken label (any case) is 409 label_taken; a bad position, label or expiry is 400; nothing changes", async () => {
    const user = await insertUser("refused");
    const [a] = await saveLabels(user, ["Alpha", "Beta"]);
    const before = await snapshot();
    expectError(await patch(a!.id, { label: "BETA" }, user), 409, "label_taken");
    expectError(await patch(a!.id, { position: 2 }, user), 400, "invalid_body");
    expectError(await patch(a!.id, { position: -1 }, user), 400, "invalid_body");
    expectError(await patch(a!.id, { position: 1.5 }, user), 400, "invalid_body");
    // Numbers the database's integer column cannot hold are refused by the schema, naming the field, not by the
    // database (which answered a false 503 "database unavailable").
    for (const position of [5, 2147483647, 2147483648, 1e20]) {
      const answer = await patch(a!.id, { position }, user);
      expectError(answer, 400, "invalid_body");
      expect(answer.json, String(position)).toMatchObject({ fields: { position: expect.any(String) } });
    }
    expectError(await patch(a!.id, { label: "" }, user), 400, "invalid_body");
    expectError(await patch(a!.id, { label: "tab\there" }, user), 400, "invalid_body");
    expectError(await patch(a!.id, { expiresAt: inDays(-2) }, user), 400, "invalid_body");
    expectError(await patch(a!.id, { expiresAt: "soon" }, user), 400, "invalid_body");
    expectError(await patch(a!.id, {}, user), 400, "invalid_body");
    expectError(await patch(a!.id, { providerId: openai.id }, user), 400, "invalid_body");
    expect(await snapshot()).toBe(before);
    // Its own label in another case is a rename, not a clash.
    expect((await patch(a!.id, { label: "ALPHA" }, user)).json.label).toBe("ALPHA");
  });

  it("50 concurrent reorders leave the positions a permutation 0..n-1", async () => {
    const user = await insertUser("shuffler");
    const saved = await saveLabels(user, ["K0", "K1", "K2", "K3", "K4"]);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => patch(saved[i % 5]!.id, { position: (i * 3) % 5 }, user)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect((await list(user)).map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
  }, 60_000);
});

describe("mixed concurrent writes", () => {
  it("moves, deletes, adds and toggles at once: no error, positions still 0..n-1, never more than five", async () => {
    const user = await insertUser("mixer");
    const saved = await saveLabels(user, ["M0", "M1", "M2", "M3"]);
    const work = [
      ...Array.from({ length: 20 }, (_, i) => patch(saved[i % 4]!.id, { position: i % 2 }, user)),
      remove(saved[1]!.id, user),
      remove(saved[2]!.id, user),
      ...Array.from({ length: 4 }, (_, i) =>
        keys({ as: user, body: { providerId: openai.id, apiKey: key(), label: `New ${i}`, skipValidation: true } }),
      ),
      patch(saved[3]!.id, { isEnabled: false }, user),
    ];
    const answers = await Promise.all(work);
    // A move of a key deleted meanwhile is a 404, an add past five a 409; nothing else.
    for (const a of answers) expect([200, 404, 409], a.text).toContain(a.status);
    const after = await list(user);
    expect(after.length).toBeLessThanOrEqual(5);
    expect(after.map((r) => r.position)).toEqual(after.map((_, i) => i));
  }, 60_000);
});

describe("DELETE /api/user/api-keys/<id> and by provider", () => {
  it("deletes one key and closes the gap; DELETE by provider removes them all", async () => {
    const user = await insertUser("deleter");
    const [a, b] = await saveLabels(user, ["A", "B", "C"]);
    const signedIn = { cookie: await sessionCookie(user) };
    const removed = await countStatements(() => remove(b!.id, signedIn));
    expect(removed.count).toBe(GUARD + 1);
    expect(removed.result.json).toEqual({ success: true });
    expect((await list(user)).map((r) => [r.label, r.position])).toEqual([
      ["A", 0],
      ["C", 1],
    ]);
    expectError(await remove(b!.id, user), 404, "api_key_not_found");
    expect((await remove(a!.id, user)).status).toBe(200);
    expect((await list(user)).map((r) => [r.label, r.position])).toEqual([["C", 0]]);
    await saveLabels(user, ["D"]);
    expect((await call(keysRoute.DELETE, { method: "DELETE", as: user, body: { providerId: openai.id } })).status).toBe(
      200,
    );
    expect(await list(user)).toEqual([]);
  });

  it("the seed's PATCH by provider toggles the primary only", async () => {
    const user = await insertUser("toggler");
    const [a, b] = await saveLabels(user, ["A", "B"]);
    const answer = await call<Row>(keysRoute.PATCH, {
      method: "PATCH",
      as: user,
      body: { providerId: openai.id, isEnabled: false },
    });
    expect(answer.json).toMatchObject({ id: a!.id, isEnabled: false });
    expect((await list(user)).find((r) => r.id === b!.id)?.isEnabled).toBe(true);
    const providers = (
      await call<{ id: string; hasApiKey: boolean; isEnabled: boolean; fallback: boolean }[]>(providersRoute.GET, {
        as: user,
        path: "/api/providers",
      })
    ).json;
    expect(providers.filter((p) => p.id === openai.id)).toEqual([
      expect.objectContaining({ hasApiKey: true, isEnabled: false, fallback: true }),
    ]);
  });
});

describe("POST /api/user/api-keys/test { id }", () => {
  it("tests that stored key and records its health; the seed's { providerId } tests the primary", async () => {
    const user = await insertUser("tester");
    await keys({
      as: user,
      body: { providerId: openai.id, apiKey: key("valid"), label: "Good", skipValidation: true },
    });
    const bad = await keys({
      as: user,
      body: { providerId: openai.id, apiKey: key("invalid"), label: "Bad", skipValidation: true },
    });
    const tested = await call<{ status: string }>(testRoute.POST, {
      method: "POST",
      path: "/api/user/api-keys/test",
      as: user,
      body: { id: bad.json.id },
    });
    expect(tested.json).toMatchObject({ valid: false, status: "invalid" });
    expect((await list(user)).map((r) => [r.label, r.health])).toEqual([
      ["Good", "unchecked"],
      ["Bad", "rejected"],
    ]);
    const primary = await call(testRoute.POST, {
      method: "POST",
      path: "/api/user/api-keys/test",
      as: user,
      body: { providerId: openai.id },
    });
    expect(primary.json).toMatchObject({ status: "valid" });
    expect((await list(user)).map((r) => r.health)).toEqual(["ok", "rejected"]);
    for (const body of [
      {},
      { id: bad.json.id, providerId: openai.id },
      { id: bad.json.id, apiKey: key() },
      { id: "nope" },
    ]) {
      expectError(
        await call(testRoute.POST, { method: "POST", path: "/api/user/api-keys/test", as: user, body }),
        400,
        "invalid_body",
      );
    }
  });
});

describe("PATCH /api/providers/<id>/settings", () => {
  it("turns fallback off and on with one statement and one event per change; GET /api/providers shows it", async () => {
    const user = await insertUser("setter");
    const signedIn = { cookie: await sessionCookie(user) };
    // The guard's session check, the provider looked up (another user's endpoint is not found), the change.
    const off = await countStatements(() => settings(openai.id, { fallback: false }, signedIn));
    expect(off.count).toBe(GUARD + 2);
    expect(off.result.json).toEqual({ providerId: openai.id, fallback: false });
    await settings(openai.id, { fallback: false }, user); // no change, no event
    const providers = (
      await call<{ id: string; fallback: boolean }[]>(providersRoute.GET, { as: user, path: "/api/providers" })
    ).json;
    expect(providers.find((p) => p.id === openai.id)?.fallback).toBe(false);
    expect(providers.find((p) => p.id === anthropic.id)?.fallback).toBe(true);
    expect((await settings(openai.id, { fallback: true }, user)).json.fallback).toBe(true);
    const events = (
      await call<{ events: { type: string; detail: unknown }[] }>(activityRoute.GET, {
        as: user,
        path: "/api/user/activity",
      })
    ).json.events;
    expect(
      events.filter((e) => e.type === "fallback_changed").map((e) => e.detail),
      JSON.stringify(events),
    ).toEqual([{ fallback: true }, { fallback: false }]);
  });

  it("refuses a bad body (400) and an unknown provider (404)", async () => {
    expectError(await settings(openai.id, { fallback: "no" }), 400, "invalid_body");
    expectError(await settings(openai.id, { fallback: false, extra: 1 }), 400, "invalid_body");
    expectError(await settings("00000000-0000-4000-8000-000000000000", { fallback: false }), 404, "provider_not_found");
  });
});

describe("another user's key id is 404 everywhere", () => {
  it("Babbage cannot change, delete or test Ada's key, nor learn it exists", async () => {
    const [mine] = await saveLabels(ada, ["Mine"]);
    const before = await snapshot();
    expectError(await patch(mine!.id, { label: "Stolen" }, babbage), 404, "api_key_not_found");
    expectError(await patch(mine!.id, { position: 0 }, babbage), 404, "api_key_not_found");
    expectError(await remove(mine!.id, babbage), 404, "api_key_not_found");
    expectError(
      await call(testRoute.POST, {
        method: "POST",
        path: "/api/user/api-keys/test",
        as: babbage,
        body: { id: mine!.id },
      }),
      404,
      "api_key_not_found",
    );
    expectError(await patch("00000000-0000-4000-8000-000000000000", { label: "x" }, babbage), 404, "api_key_not_found");
    expect((await patch("not-a-uuid", { label: "x" }, babbage)).status).toBe(404);
    expect(await snapshot()).toBe(before);
    expect(await openApiKeysForUse(babbage.id, openai.id)).toEqual([]);
  });

  it("every new route wants a session (401)", async () => {
    const [mine] = await saveLabels(ada, ["Signed"]);
    expectError(
      await call(keyRoute.PATCH, { method: "PATCH", path: `/api/user/api-keys/${mine!.id}`, body: { label: "x" } }),
      401,
      "unauthorized",
    );
    expectError(
      await call(keyRoute.DELETE, { method: "DELETE", path: `/api/user/api-keys/${mine!.id}` }),
      401,
      "unauthorized",
    );
    expectError(
      await call(settingsRoute.PATCH, {
        method: "PATCH",
        path: `/api/providers/${openai.id}/settings`,
        body: { fallback: false },
      }),
      401,
      "unauthorized",
    );
  });
});
