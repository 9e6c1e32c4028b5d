import { randomUUID } from "node:crypto";
import { calcPrice } from "@pydantic/genai-prices";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as chatRoute from "@/app/api/chat/route";
import * as keyRoute from "@/app/api/user/api-keys/[id]/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as pricesRoute from "@/app/api/user/prices/route";
import { countStatements } from "@/dev/counters";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { backgroundSettled } from "@/lib/background";
import { holdOnKey } from "@/lib/db/answer-keys";
import { getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { keyEvent, modelUsage, userApiKey } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import { recordKeyUsage } from "@/lib/keys/usage";
import type { RegistryId } from "@/lib/domain/catalogue";
import { call } from "../fixtures/http";
import { streamCall } from "../fixtures/ui-stream";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * Spend (CONTRACT-WAVE3 "Spend and budgets"): what each answer cost, from each source of price, recorded with its
 * tokens by one statement; hard budgets that hold under concurrency, soft ones that only warn; the month boundary.
 * The fake provider answers 5 input tokens and as many output tokens as chunks (5 here).
 */
let fake: FakeProviders;
const providers = {} as Record<RegistryId, ProviderRecord>;

beforeAll(async () => {
  fake = await startFakeProviders({ chat: { chunks: 5, intervalMs: 0 } });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
});
afterAll(async () => {
  await backgroundSettled();
  await fake.close();
});

interface Row {
  id: string;
  providerId: string;
  apiKey: string;
  label: string;
  usage: { requests: number; inputTokens: number; outputTokens: number; errors: number; costMicroUsd: number };
  budget: { monthlyMicroUsd: number; mode: "hard" | "soft"; spentMicroUsd: number; resetsAt: string } | null;
}

async function saveKey(as: PublicUser, registryId: RegistryId, label?: string): Promise<Row> {
  const apiKey = `sk-test-valid-${fakeKey("")}`;
  const answer = await call<Row>(keysRoute.POST, {
    method: "POST",
    as,
    body: { providerId: providers[registryId].id, apiKey, ...(label ? { label } : {}) },
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

async function setBudget(as: PublicUser, id: string, budget: { monthlyUsd: number; mode: "hard" | "soft" } | null) {
  const answer = await call<Row>(keyRoute.PATCH, {
    method: "PATCH",
    path: `/api/user/api-keys/${id}`,
    as,
    body: { budget },
  });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

async function setPrice(
  as: PublicUser,
  registryId: RegistryId,
  model: string,
  inputPerMTokUsd: number,
  outputPerMTokUsd: number,
) {
  const body = { providerId: providers[registryId].id, model, inputPerMTokUsd, outputPerMTokUsd };
  const answer = await call(pricesRoute.PUT, { method: "PUT", path: "/api/user/prices", as, body });
  expect(answer.status, answer.text).toBe(200);
}

const chat = (as: PublicUser, registryId: RegistryId, model: string) =>
  streamCall(chatRoute.POST, {
    as,
    body: { providerId: providers[registryId].id, model, messages: [{ role: "user", content: "Say hello" }] },
  });

async function listed(as: PublicUser): Promise<Row[]> {
  await backgroundSettled();
  return (await call<Row[]>(keysRoute.GET, { as })).json;
}

async function eventsOf(userId: string, type: "budget_warning" | "budget_reached") {
  const db = await getDb();
  return db
    .select()
    .from(keyEvent)
    .where(and(eq(keyEvent.userId, userId), eq(keyEvent.type, type)));
}

describe("what an answer cost, from each source of price", () => {
  it("the catalogue's price: tokens × price, to the micro-dollar", async () => {
    const ada = await insertUser("ada");
    await saveKey(ada, "openai");
    const answer = await chat(ada, "openai", "gpt-4o-mini");
    expect(answer.status).toBe(200);
    // The package's own figure for 5 + 5 tokens, as an independent oracle (dollars → micro-dollars).
    const expected = Math.round(
      calcPrice({ input_tokens: 5, output_tokens: 5 }, "gpt-4o-mini", { providerId: "openai" })!.total_price * 1e6,
    );
    expect(expected).toBeGreaterThan(0);
    expect(answer.metadata).toMatchObject({ inputTokens: 5, outputTokens: 5, costMicroUsd: expected });
    const [row] = await listed(ada);
    expect(row!.usage).toMatchObject({ requests: 1, costMicroUsd: expected });
  });

  it("the user's own price wins over the catalogue's", async () => {
    const ada = await insertUser("ada");
    await saveKey(ada, "openai");
    await setPrice(ada, "openai", "gpt-4o-mini", 100, 300); // 5 × 100 + 5 × 300 = 2,000 micro-dollars
    const answer = await chat(ada, "openai", "gpt-4o-mini");
    expect(answer.metadata).toMatchObject({ costMicroUsd: 2_000 });
    expect((await listed(ada))[0]!.usage.costMicroUsd).toBe(2_000);
  });

  it("the provider's reported cost wins over every price (OpenRouter)", async () => {
    const ada = await insertUser("ada");
    await saveKey(ada, "openrouter");
    await setPrice(ada, "openrouter", "anthropic/claude-sonnet-4", 999, 999);
    const answer = await chat(ada, "openrouter", "anthropic/claude-sonnet-4");
    expect(answer.metadata).toMatchObject({ costMicroUsd: 5 * 1 + 5 * 3 }); // what the fake reports
  });

  it("no price: counted as unpriced, never as free", async () => {
    const ada = await insertUser("ada");
    await saveKey(ada, "openai");
    const answer = await chat(ada, "openai", "a-model-nobody-prices");
    expect(answer.metadata).toMatchObject({ costMicroUsd: null });
    await backgroundSettled();
    const db = await getDb();
    const [usage] = await db.select().from(modelUsage).where(eq(modelUsage.userId, ada.id));
    expect(usage).toMatchObject({
      model: "a-model-nobody-prices",
      requests: 1,
      costMicroUsd: 0,
      unpricedRequests: 1,
      inputTokens: 5,
      outputTokens: 5,
    });
  });

  it("tokens and cost of one answer are written by one statement, on the UTC day", async () => {
    const ada = await insertUser("ada");
    const key = await saveKey(ada, "openai");
    const before = new Date().toISOString().slice(0, 10);
    const counted = await countStatements(() =>
      recordKeyUsage(ada.id, key.id, { inputTokens: 3, outputTokens: 4, model: "m", costMicroUsd: 7 }),
    );
    const after = new Date().toISOString().slice(0, 10);
    expect(counted.count).toBe(1);
    const db = await getDb();
    const [usage] = await db.select().from(modelUsage).where(eq(modelUsage.userId, ada.id));
    expect([before, after]).toContain(usage!.day);
    expect(usage).toMatchObject({ requests: 1, inputTokens: 3, outputTokens: 4, costMicroUsd: 7, unpricedRequests: 0 });
  });
});

describe("a hard budget", () => {
  /** A user whose OpenAI answers cost $0.002 each (5 + 5 tokens at $200 per million) under a $0.01 hard budget. */
  async function userWithBudgetForFive(name: string) {
    const user = await insertUser(name);
    const key = await saveKey(user, "openai");
    await setPrice(user, "openai", "m-1", 200, 200);
    await setBudget(user, key.id, { monthlyUsd: 0.01, mode: "hard" });
    return { user, key };
  }

  it("20 requests at once against a budget that holds five: at most six are served, the rest 402", async () => {
    const { user } = await userWithBudgetForFive("ada");
    const answers = await Promise.all(Array.from({ length: 20 }, () => chat(user, "openai", "m-1")));
    const served = answers.filter((a) => a.status === 200 && a.text.startsWith("Hello"));
    const refused = answers.filter((a) => a.status === 402);
    console.info(`20 at once against a budget for 5: ${served.length} served, ${refused.length} refused (402)`);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(6);
    expect(served.length + refused.length).toBe(20);
    for (const answer of refused) expect(JSON.parse(answer.text)).toMatchObject({ code: "budget_exceeded" });
    const [row] = await listed(user);
    expect(row!.budget!.spentMicroUsd).toBe(served.length * 2_000);
  });

  it("holds taken at once never exceed what the budget has left: 20 holds of a fifth of it, exactly 5 taken", async () => {
    const { user, key } = await userWithBudgetForFive("ada");
    const taken = await Promise.all(Array.from({ length: 20 }, () => holdOnKey(user.id, key.id, randomUUID(), 2_000)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    // Settling one lets go of its hold: room for exactly one more.
    const db = await getDb();
    const [row] = await db
      .select({ reservations: userApiKey.reservations })
      .from(userApiKey)
      .where(eq(userApiKey.id, key.id));
    await recordKeyUsage(user.id, key.id, {
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
      model: "m-1",
      reservationId: row!.reservations[0]!.id,
    });
    const again = await Promise.all(Array.from({ length: 5 }, () => holdOnKey(user.id, key.id, randomUUID(), 2_000)));
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it("one at a time, it serves until the budget is spent, then says which budget and when it resets", async () => {
    const { user } = await userWithBudgetForFive("ada");
    let served = 0;
    for (;;) {
      const answer = await chat(user, "openai", "m-1");
      await backgroundSettled();
      if (answer.status !== 200) {
        expect(answer.status).toBe(402);
        const body = JSON.parse(answer.text) as { code: string; error: string };
        expect(body.code).toBe("budget_exceeded");
        expect(body.error).toMatch(/\$0\.01 monthly budget/);
        expect(body.error).toMatch(/resets on 1 \w+ \d{4} at 00:00 UTC/);
        break;
      }
      served += 1;
      expect(served).toBeLessThanOrEqual(5);
    }
    expect(served).toBe(5);
    const [row] = await listed(user);
    expect(row!.budget).toMatchObject({ monthlyMicroUsd: 10_000, mode: "hard", spentMicroUsd: 10_000 });
    expect(await eventsOf(user.id, "budget_warning")).toHaveLength(1);
    expect(await eventsOf(user.id, "budget_reached")).toHaveLength(1);
  });

  it("a key past its hard budget is skipped like an unusable key: the next one serves", async () => {
    const ada = await insertUser("ada");
    const first = await saveKey(ada, "openai", "First");
    const second = await saveKey(ada, "openai", "Second");
    await setBudget(ada, first.id, { monthlyUsd: 0.01, mode: "hard" });
    const db = await getDb();
    await db
      .update(userApiKey)
      .set({ spendMonth: sql`date_trunc('month', now() at time zone 'utc')::date`, spendMicroUsd: 10_000 })
      .where(eq(userApiKey.id, first.id));
    const answer = await chat(ada, "openai", "m-1");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-key-hint")).toBe(second.apiKey);
  });

  it("a budget spent last month does not count this month: it resets at 00:00 UTC on the 1st", async () => {
    const { user, key } = await userWithBudgetForFive("ada");
    const db = await getDb();
    await db
      .update(userApiKey)
      .set({
        spendMonth: sql`(date_trunc('month', now() at time zone 'utc') - interval '1 month')::date`,
        spendMicroUsd: 10_000,
        budgetAlerted: 100,
      })
      .where(eq(userApiKey.id, key.id));
    const before = (await listed(user))[0]!.budget!;
    expect(before.spentMicroUsd).toBe(0);
    const now = new Date();
    expect(before.resetsAt).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString());
    expect((await chat(user, "openai", "m-1")).status).toBe(200);
    expect((await listed(user))[0]!.budget!.spentMicroUsd).toBe(2_000);
  });
});

describe("a soft budget", () => {
  it("never refuses, and warns once at 80 % and once at 100 % in a month", async () => {
    const ada = await insertUser("ada");
    const key = await saveKey(ada, "openai");
    await setPrice(ada, "openai", "m-1", 200, 200);
    await setBudget(ada, key.id, { monthlyUsd: 0.01, mode: "soft" });
    for (let i = 0; i < 8; i++) {
      expect((await chat(ada, "openai", "m-1")).status).toBe(200);
      await backgroundSettled();
    }
    expect((await listed(ada))[0]!.budget).toMatchObject({ mode: "soft", spentMicroUsd: 16_000 });
    const warnings = await eventsOf(ada.id, "budget_warning");
    const reached = await eventsOf(ada.id, "budget_reached");
    expect(warnings).toHaveLength(1);
    expect(reached).toHaveLength(1);
    expect(warnings[0]!.detail).toMatchObject({ spentMicroUsd: 8_000, budgetMicroUsd: 10_000 });
    expect(reached[0]!.detail).toMatchObject({ spentMicroUsd: 10_000, budgetMicroUsd: 10_000 });
  });
});

describe("setting a budget", () => {
  it("refuses amounts out of range or not numbers, naming the field, and changes nothing", async () => {
    const ada = await insertUser("ada");
    const key = await saveKey(ada, "openai");
    for (const budget of [
      { monthlyUsd: 0, mode: "hard" },
      { monthlyUsd: -5, mode: "hard" },
      { monthlyUsd: 1_000_000.01, mode: "soft" },
      { monthlyUsd: "10", mode: "hard" },
      { monthlyUsd: 10, mode: "strict" },
      { monthlyUsd: 0.0000001, mode: "hard" },
    ]) {
      const answer = await call(keyRoute.PATCH, {
        method: "PATCH",
        path: `/api/user/api-keys/${key.id}`,
        as: ada,
        body: { budget },
      });
      expect(answer.status, JSON.stringify(budget)).toBe(400);
      expect(answer.text).toMatch(/budget/);
    }
    expect((await listed(ada))[0]!.budget).toBeNull();
  });

  it("sets, changes and removes a budget; another user's key is a 404", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const key = await saveKey(ada, "openai");
    expect((await setBudget(ada, key.id, { monthlyUsd: 12.5, mode: "hard" })).budget).toMatchObject({
      monthlyMicroUsd: 12_500_000,
      mode: "hard",
      spentMicroUsd: 0,
    });
    expect((await listed(ada))[0]!.budget).toMatchObject({ monthlyMicroUsd: 12_500_000, mode: "hard" });
    expect((await setBudget(ada, key.id, { monthlyUsd: 1_000_000, mode: "soft" })).budget).toMatchObject({
      monthlyMicroUsd: 1_000_000_000_000,
    });
    expect((await setBudget(ada, key.id, null)).budget).toBeNull();
    const theirs = await call(keyRoute.PATCH, {
      method: "PATCH",
      path: `/api/user/api-keys/${key.id}`,
      as: babbage,
      body: { budget: { monthlyUsd: 1, mode: "hard" } },
    });
    expect(theirs.status).toBe(404);
    expect((await listed(ada))[0]!.budget).toBeNull();
  });
});
