import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as settingsRoute from "@/app/api/providers/[id]/settings/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { getProviderByRegistryId, type ProviderRecord } from "@/lib/db/providers";
import type { PublicUser } from "@/lib/db/users";
import { call } from "../fixtures/http";
import { streamCall } from "../fixtures/ui-stream";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The playground's fallback matrix (POST /api/chat): the first key rejected, limited or unreachable before any
 * output → the second answers, reported (X-Key-Hint, metadata) and counted; the first's failure counted and its
 * health recorded. Cut after output began → no other key. "Always use my first key" → no other key.
 */
type Row = {
  id: string;
  providerId: string;
  apiKey: string;
  label: string;
  position: number;
  health: string;
  usage: { requests: number; errors: number };
};

let fake: FakeProviders;
let openai: ProviderRecord;

const key = (behaviour: string) => `sk-test-${behaviour}-${fakeKey("")}`;

async function userWithKeys(name: string, behaviours: string[]): Promise<{ user: PublicUser; secrets: string[] }> {
  const user = await insertUser(name);
  const secrets = behaviours.map(key);
  for (const [i, apiKey] of secrets.entries()) {
    const saved = await call(keysRoute.POST, {
      method: "POST",
      as: user,
      body: { providerId: openai.id, apiKey, label: `Key ${i + 1}`, skipValidation: true },
    });
    expect(saved.status, saved.text).toBe(200);
  }
  return { user, secrets };
}

async function rows(user: PublicUser): Promise<Row[]> {
  await backgroundSettled();
  return (await call<Row[]>(keysRoute.GET, { as: user })).json
    .filter((r) => r.providerId === openai.id)
    .sort((a, b) => a.position - b.position);
}

const chat = (user: PublicUser) =>
  streamCall(chatRoute.POST, {
    as: user,
    body: { providerId: openai.id, model: "m-1", messages: [{ role: "user", content: "Hi" }] },
  });
const asked = (secrets: string[]) =>
  fake.requests
    .filter((r) => r.credential && secrets.includes(r.credential))
    .map((r) => secrets.indexOf(r.credential!) + 1);

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 400, chat: { chunks: 5, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  openai = (await getProviderByRegistryId("openai"))!;
});
afterAll(async () => {
  await backgroundSettled();
  await fake.close();
});

describe("POST /api/chat with several keys", () => {
  it.each([
    ["rejected", "invalid", "rejected"],
    ["limited", "limited", "limited"],
    ["unreachable", "error500", "unreachable"],
  ])(
    "first key %s before any output → the second answers, is reported and counted; the first is marked",
    async (_case, behaviour, health) => {
      const { user, secrets } = await userWithKeys(`chat-${behaviour}`, [behaviour, "valid"]);
      const answer = await chat(user);
      expect(answer.status).toBe(200);
      expect(answer.error).toBeUndefined();
      expect(answer.text.length).toBeGreaterThan(0);
      const [first, second] = await rows(user);
      expect(answer.headers.get("x-key-hint")).toBe(second!.apiKey);
      expect(answer.metadata).toMatchObject({ keyHint: second!.apiKey });
      expect(asked(secrets)).toEqual([1, 2]);
      expect(first).toMatchObject({ health, usage: { requests: 1, errors: 1 } });
      expect(second).toMatchObject({ health: "ok", usage: { requests: 1, errors: 0 } });
    },
  );

  it("cut after output began → the answer ends with its error; no other key is tried", async () => {
    const { user, secrets } = await userWithKeys("chat-cut", ["cut", "valid"]);
    fake.chat = { chunks: 10, intervalMs: 5 };
    try {
      const answer = await chat(user);
      expect(answer.text.length).toBeGreaterThan(0);
      expect(answer.error).toMatchObject({ status: "unreachable" });
      const [first, second] = await rows(user);
      expect(answer.headers.get("x-key-hint")).toBe(first!.apiKey);
      expect(asked(secrets)).toEqual([1]);
      expect(first).toMatchObject({ health: "unreachable", usage: { requests: 1, errors: 1 } });
      expect(second).toMatchObject({ health: "unchecked", usage: { requests: 0 } });
    } finally {
      fake.chat = { chunks: 5, intervalMs: 0 };
    }
  });

  it("every key failing → the last one's error ends the answer; each tried once, each marked", async () => {
    const { user, secrets } = await userWithKeys("chat-all-bad", ["invalid", "limited"]);
    const answer = await chat(user);
    expect(answer.status).toBe(200);
    expect(answer.error).toMatchObject({ status: "limited" });
    expect(asked(secrets)).toEqual([1, 2]);
    expect((await rows(user)).map((r) => r.health)).toEqual(["rejected", "limited"]);
  });

  it('"Always use my first key" → the first key\'s rejection is the answer; the second is never tried', async () => {
    const { user, secrets } = await userWithKeys("chat-first-only", ["invalid", "valid"]);
    await call(settingsRoute.PATCH, {
      method: "PATCH",
      as: user,
      path: `/api/providers/${openai.id}/settings`,
      body: { fallback: false },
    });
    const answer = await chat(user);
    expect(answer.error).toMatchObject({ status: "invalid" });
    expect(asked(secrets)).toEqual([1]);
    expect((await rows(user)).map((r) => r.health)).toEqual(["rejected", "unchecked"]);
  });
});
