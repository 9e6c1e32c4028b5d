import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as modelsRoute from "@/app/api/user/api-keys/models/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as settingsRoute from "@/app/api/providers/[id]/settings/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getDb } from "@/lib/db/client";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import type { PublicUser } from "@/lib/db/users";
import { getUserLanguageModels } from "@/lib/keys/language-model";
import { openApiKeysForUse } from "@/lib/keys/vault";
import { type Answer, call } from "../fixtures/http";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The fallback matrix, through the models route: the first key rejected, limited or unreachable → the second
 * serves; what was asked of the provider, which key served, and the health recorded for each key tried. Disabled
 * and expired keys are never used; "Always use my first key" tries no other.
 */

type ModelList = { providerId: string; models: unknown[]; servedBy: { id: string; label: string; apiKey: string } };
type Row = { id: string; providerId: string; label: string; health: string; position: number };

let fake: FakeProviders;
let openai: ProviderRecord;

const key = (behaviour: string) => `sk-test-${behaviour}-${fakeKey("")}`;

async function userWithKeys(
  name: string,
  behaviours: string[],
): Promise<{ user: PublicUser; secrets: string[]; ids: string[] }> {
  const user = await insertUser(name);
  const secrets = behaviours.map(key);
  const ids: string[] = [];
  for (const [i, secret] of secrets.entries()) {
    const saved = await call<Row>(keysRoute.POST, {
      method: "POST",
      as: user,
      body: { providerId: openai.id, apiKey: secret, label: `Key ${i + 1}`, skipValidation: true },
    });
    expect(saved.status, saved.text).toBe(200);
    ids.push(saved.json.id);
  }
  return { user, secrets, ids };
}

const models = (user: PublicUser) =>
  call<ModelList>(modelsRoute.GET, { as: user, path: `/api/user/api-keys/models?providerId=${openai.id}` });
const healthOf = async (user: PublicUser) =>
  (await call<Row[]>(keysRoute.GET, { as: user })).json
    .filter((r) => r.providerId === openai.id)
    .sort((a, b) => a.position - b.position)
    .map((r) => r.health);
/** Which of the user's keys the provider was asked with, in order. */
const asked = (secrets: string[]) =>
  fake.requests
    .filter((r) => r.credential && secrets.includes(r.credential))
    .map((r) => secrets.indexOf(r.credential!) + 1);

function expectError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toMatchObject({ code });
}

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 5_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  openai = (await getProviderByRegistryId("openai"))!;
});

afterAll(() => fake.close());

describe("models: the next key when one fails", () => {
  it.each([
    ["rejected", "invalid", "rejected"],
    ["limited", "limited", "limited"],
    ["unreachable", "error500", "unreachable"],
  ])("first key %s → the second serves; both keys' health recorded", async (_case, behaviour, health) => {
    const { user, secrets, ids } = await userWithKeys(`fallback-${behaviour}`, [behaviour, "valid"]);
    const answer = await models(user);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.servedBy).toMatchObject({ id: ids[1], label: "Key 2" });
    expect(answer.json.servedBy.apiKey).not.toBe(secrets[1]);
    expect(asked(secrets)).toEqual([1, 2]);
    expect(await healthOf(user)).toEqual([health, "ok"]);
  });

  it("the first key working: the second is never asked", async () => {
    const { user, secrets, ids } = await userWithKeys("first-ok", ["valid", "valid"]);
    expect((await models(user)).json.servedBy.id).toBe(ids[0]);
    expect(asked(secrets)).toEqual([1]);
    expect(await healthOf(user)).toEqual(["ok", "unchecked"]);
  });

  it("every key failing: each tried once, the last failure answered", async () => {
    const { user, secrets } = await userWithKeys("all-bad", ["invalid", "error500", "invalid"]);
    expectError(await models(user), 400, "invalid_api_key");
    expect(asked(secrets)).toEqual([1, 2, 3]);
    expect(await healthOf(user)).toEqual(["rejected", "unreachable", "rejected"]);
  });

  it('"Always use my first key": the second is never tried', async () => {
    const { user, secrets } = await userWithKeys("no-fallback", ["invalid", "valid"]);
    const off = await call(settingsRoute.PATCH, {
      method: "PATCH",
      as: user,
      path: `/api/providers/${openai.id}/settings`,
      body: { fallback: false },
    });
    expect(off.status).toBe(200);
    expectError(await models(user), 400, "invalid_api_key");
    expect(asked(secrets)).toEqual([1]);
    expect(await healthOf(user)).toEqual(["rejected", "unchecked"]);
    expect((await openApiKeysForUse(user.id, openai.id)).map((k) => k.label)).toEqual(["Key 1"]);
  });

  it("disabled and expired keys are never used", async () => {
    const { user, secrets, ids } = await userWithKeys("skipped", ["valid", "valid", "valid"]);
    await call(keysRoute.PATCH, { method: "PATCH", as: user, body: { providerId: openai.id, isEnabled: false } });
    const db = await getDb();
    await db.execute(sql`update "UserApiKey" set "expiresAt" = now() - interval '1 minute' where id = ${ids[1]}::uuid`);
    expect((await models(user)).json.servedBy.id).toBe(ids[2]);
    expect(asked(secrets)).toEqual([3]);
    expect((await openApiKeysForUse(user.id, openai.id)).map((k) => k.id)).toEqual([ids[2]]);
    expect((await getUserLanguageModels(user.id, "openai", "gpt-4o-mini")).map((m) => m.key.id)).toEqual([ids[2]]);
    // Only expired or disabled keys left: 409, as for a disabled key.
    await db.execute(sql`update "UserApiKey" set "isEnabled" = false where id = ${ids[2]}::uuid`);
    expectError(await models(user), 409, "api_key_disabled");
    await expect(getUserLanguageModels(user.id, "openai", "gpt-4o-mini")).rejects.toMatchObject({
      code: "api_key_disabled",
    });
  });
});
