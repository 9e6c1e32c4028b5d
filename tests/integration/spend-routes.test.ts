import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as balanceRoute from "@/app/api/user/api-keys/[id]/balance/route";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as endpointsRoute from "@/app/api/user/endpoints/route";
import * as pricesRoute from "@/app/api/user/prices/route";
import * as usageRoute from "@/app/api/user/usage/route";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getDb } from "@/lib/db/client";
import { listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { modelUsage } from "@/lib/db/schema";
import type { PublicUser } from "@/lib/db/users";
import type { RegistryId } from "@/lib/domain/catalogue";
import { cataloguePrice } from "@/lib/spend/catalogue";
import { call } from "../fixtures/http";
import { fakeKey, insertUser } from "../fixtures/users";

/** The spend routes: model prices, the usage report (JSON and CSV), a key's balance at its provider. */
let fake: FakeProviders;
const providers = {} as Record<RegistryId, ProviderRecord>;

beforeAll(async () => {
  fake = await startFakeProviders();
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
  for (const p of await listBuiltInProviders()) providers[p.registryId] = p;
});
afterAll(() => fake.close());

type Price = { model: string; inputPerMTokUsd: number; outputPerMTokUsd: number; source: "catalogue" | "user" };

const prices = (as: PublicUser, providerId: string) =>
  call<{ prices: Price[] }>(pricesRoute.GET, { as, path: `/api/user/prices?providerId=${providerId}` });
const put = (as: PublicUser, body: unknown) =>
  call<Price>(pricesRoute.PUT, { method: "PUT", path: "/api/user/prices", as, body });
const remove = (as: PublicUser, body: unknown) =>
  call(pricesRoute.DELETE, { method: "DELETE", path: "/api/user/prices", as, body });

async function endpointOf(as: PublicUser): Promise<string> {
  const created = await call<{ id: string }>(endpointsRoute.POST, {
    method: "POST",
    path: "/api/user/endpoints",
    as,
    body: { name: "Local", baseUrl: fake.endpointURL("open") },
  });
  expect(created.status, created.text).toBe(201);
  return created.json.id;
}

describe("model prices", () => {
  it("lists the catalogue's prices for a built-in provider, the user's own over them", async () => {
    const ada = await insertUser("ada");
    const before = await prices(ada, providers.openai.id);
    expect(before.status).toBe(200);
    const catalogued = before.json.prices.find((p) => p.model === "gpt-4o-mini")!;
    const price = cataloguePrice("openai", "gpt-4o-mini")!;
    expect(catalogued).toEqual({
      model: "gpt-4o-mini",
      inputPerMTokUsd: price.inputMicroUsdPerMTok / 1e6,
      outputPerMTokUsd: price.outputMicroUsdPerMTok / 1e6,
      source: "catalogue",
    });

    expect(
      (
        await put(ada, {
          providerId: providers.openai.id,
          model: "gpt-4o-mini",
          inputPerMTokUsd: 0.123456,
          outputPerMTokUsd: 1000,
        })
      ).json,
    ).toEqual({
      model: "gpt-4o-mini",
      inputPerMTokUsd: 0.123456,
      outputPerMTokUsd: 1000,
      source: "user",
    });
    const after = await prices(ada, providers.openai.id);
    expect(after.json.prices.find((p) => p.model === "gpt-4o-mini")).toMatchObject({
      inputPerMTokUsd: 0.123456,
      source: "user",
    });
    // Only Ada's: Babbage still sees the catalogue's.
    const babbage = await insertUser("babbage");
    expect(
      (await prices(babbage, providers.openai.id)).json.prices.find((p) => p.model === "gpt-4o-mini")!.source,
    ).toBe("catalogue");

    expect((await remove(ada, { providerId: providers.openai.id, model: "gpt-4o-mini" })).status).toBe(200);
    expect((await prices(ada, providers.openai.id)).json.prices.find((p) => p.model === "gpt-4o-mini")!.source).toBe(
      "catalogue",
    );
    expect((await remove(ada, { providerId: providers.openai.id, model: "gpt-4o-mini" })).status).toBe(404);
  });

  it("a custom endpoint has no price until the user sets one; another user's endpoint is a 404", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const endpoint = await endpointOf(ada);
    expect((await prices(ada, endpoint)).json).toEqual({ prices: [] });
    expect(
      (await put(ada, { providerId: endpoint, model: "llama3.2:3b", inputPerMTokUsd: 0, outputPerMTokUsd: 0.5 }))
        .status,
    ).toBe(200);
    expect((await prices(ada, endpoint)).json.prices).toEqual([
      { model: "llama3.2:3b", inputPerMTokUsd: 0, outputPerMTokUsd: 0.5, source: "user" },
    ]);
    expect((await prices(babbage, endpoint)).status).toBe(404);
    expect(
      (await put(babbage, { providerId: endpoint, model: "x", inputPerMTokUsd: 1, outputPerMTokUsd: 1 })).status,
    ).toBe(404);
    expect((await remove(babbage, { providerId: endpoint, model: "llama3.2:3b" })).status).toBe(404);
    expect((await prices(ada, endpoint)).json.prices).toHaveLength(1);
  });

  it("refuses prices that are negative, over 1000 $/M tokens, not numbers or finer than 6 decimals, naming the field", async () => {
    const ada = await insertUser("ada");
    const base = { providerId: providers.openai.id, model: "gpt-4o", inputPerMTokUsd: 1, outputPerMTokUsd: 1 };
    for (const [field, value] of [
      ["inputPerMTokUsd", -1],
      ["outputPerMTokUsd", 1000.5],
      ["inputPerMTokUsd", "2.5"],
      ["outputPerMTokUsd", null],
      ["inputPerMTokUsd", 0.0000001],
      ["model", ""],
      ["model", "../../etc"],
      ["model", "gpt\u00004o"],
    ] as const) {
      const answer = await put(ada, { ...base, [field]: value });
      expect(answer.status, `${field}=${String(value)}`).toBe(400);
      expect(answer.text).toContain(field);
    }
    expect((await prices(ada, providers.openai.id)).json.prices.every((p) => p.source === "catalogue")).toBe(true);
  });
});

type Report = {
  from: string;
  to: string;
  groupBy: string;
  rows: {
    group: string | null;
    providerId?: string;
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costMicroUsd: number;
    unpricedRequests: number;
  }[];
  total: { requests: number; costMicroUsd: number; unpricedRequests: number };
};

describe("the usage report", () => {
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  /** Usage rows as recorded on earlier days (two keys, two models, one through a token). */
  async function history(user: PublicUser) {
    const key = await call<{ id: string }>(keysRoute.POST, {
      method: "POST",
      as: user,
      body: { providerId: providers.openai.id, apiKey: fakeKey("sk-test-valid-") },
    });
    const other = await call<{ id: string }>(keysRoute.POST, {
      method: "POST",
      as: user,
      body: { providerId: providers.anthropic.id, apiKey: fakeKey("sk-test-valid-") },
    });
    const token = "7d4f3a2e-1b6c-4d8e-9f0a-123456789abc";
    const db = await getDb();
    const row = (
      apiKeyId: string,
      providerId: string,
      daysAgo: number,
      model: string,
      requests: number,
      cost: number,
      unpriced = 0,
      tokenId: string | null = null,
    ) => ({
      userId: user.id,
      apiKeyId,
      providerId,
      tokenId,
      day: day(daysAgo),
      model,
      requests,
      inputTokens: requests * 10,
      outputTokens: requests * 20,
      errors: 0,
      costMicroUsd: cost,
      unpricedRequests: unpriced,
    });
    await db
      .insert(modelUsage)
      .values([
        row(key.json.id, providers.openai.id, 0, "gpt-4o", 2, 500),
        row(key.json.id, providers.openai.id, 1, "gpt-4o", 1, 250, 0, token),
        row(key.json.id, providers.openai.id, 1, "o3", 3, 0, 3),
        row(other.json.id, providers.anthropic.id, 40, "claude-sonnet-4-5", 5, 9_000),
      ]);
    return { key: key.json.id, other: other.json.id, token };
  }

  const report = (as: PublicUser, query: string, headers?: Record<string, string>) =>
    call<Report>(usageRoute.GET, { as, path: `/api/user/usage${query}`, headers });

  it("groups the user's own usage by day, key, model, provider and token, with totals", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const { key, token } = await history(ada);
    await history(babbage);

    const byDay = await report(ada, "");
    expect(byDay.status).toBe(200);
    expect(byDay.json).toMatchObject({ from: day(29), to: day(0), groupBy: "day" });
    expect(byDay.json.rows.map((r) => [r.group, r.requests, r.costMicroUsd])).toEqual([
      [day(1), 4, 250],
      [day(0), 2, 500],
    ]);
    expect(byDay.json.total).toEqual({
      requests: 6,
      inputTokens: 60,
      outputTokens: 120,
      costMicroUsd: 750,
      unpricedRequests: 3,
    });

    const byModel = await report(ada, `?groupBy=model&from=${day(60)}&to=${day(0)}`);
    expect(byModel.json.rows.map((r) => [r.group, r.providerId, r.costMicroUsd, r.unpricedRequests])).toEqual([
      ["claude-sonnet-4-5", providers.anthropic.id, 9_000, 0],
      ["gpt-4o", providers.openai.id, 750, 0],
      ["o3", providers.openai.id, 0, 3],
    ]);
    expect((await report(ada, "?groupBy=key")).json.rows.map((r) => r.group)).toEqual([key]);
    expect((await report(ada, `?groupBy=provider&from=${day(60)}`)).json.rows.map((r) => r.group)).toEqual([
      providers.anthropic.id,
      providers.openai.id,
    ]);
    expect((await report(ada, "?groupBy=token")).json.rows.map((r) => [r.group, r.requests])).toEqual([
      [null, 5],
      [token, 1],
    ]);
  });

  it("answers the same rows as CSV, with a header line (Accept: text/csv, or format=csv)", async () => {
    const ada = await insertUser("ada");
    await history(ada);
    const json = await report(ada, `?groupBy=model&from=${day(60)}`);
    for (const csv of [
      await report(ada, `?groupBy=model&from=${day(60)}`, { accept: "text/csv" }),
      await report(ada, `?groupBy=model&from=${day(60)}&format=csv`),
    ]) {
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      const [header, ...lines] = csv.text.trimEnd().split("\r\n");
      expect(header).toBe("group,providerId,requests,inputTokens,outputTokens,costMicroUsd,unpricedRequests");
      const columns = header!.split(",");
      const rows = lines.map((line) =>
        Object.fromEntries(line.split(",").map((v, i) => [columns[i], i < 2 ? v : Number(v)])),
      );
      expect(rows).toEqual(json.json.rows);
    }
  });

  it("refuses dates that are not dates and ranges over 366 days (400, naming the field)", async () => {
    const ada = await insertUser("ada");
    for (const [query, field] of [
      ["?from=2026-13-01", "from"],
      ["?to=yesterday", "to"],
      ["?from=2026-02-30&to=2026-03-01", "from"],
      ["?from=2025-01-01&to=2026-01-02", "to"],
      ["?from=2026-05-02&to=2026-05-01", "to"],
      ["?groupBy=week", "groupBy"],
    ]) {
      const answer = await report(ada, query!);
      expect(answer.status, query).toBe(400);
      expect(answer.text).toContain(field);
    }
    expect((await report(ada, "?from=2025-01-01&to=2026-01-01")).status).toBe(200);
  });
});

describe("a key's balance at its provider", () => {
  const balance = (as: PublicUser, id: string) =>
    call<Record<string, unknown>>(balanceRoute.GET, { as, path: `/api/user/api-keys/${id}/balance` });
  const save = async (as: PublicUser, registryId: RegistryId, apiKey = fakeKey("sk-test-valid-")) =>
    (
      await call<{ id: string }>(keysRoute.POST, {
        method: "POST",
        as,
        body: { providerId: providers[registryId].id, apiKey },
      })
    ).json.id;

  it("OpenRouter's limit and usage, DeepSeek's balance; cached; other providers 404; another user's key 404", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    const openrouter = await save(ada, "openrouter");
    const deepseek = await save(ada, "deepseek");
    const openai = await save(ada, "openai");

    const asked = fake.requests.length;
    expect((await balance(ada, openrouter)).json).toEqual({
      currency: "USD",
      remainingUsd: 12.5,
      limitUsd: 20,
      usedUsd: 7.5,
      fetchedAt: expect.any(String),
    });
    expect((await balance(ada, deepseek)).json).toEqual({
      currency: "USD",
      remainingUsd: 12.5,
      fetchedAt: expect.any(String),
    });
    expect(fake.requests.slice(asked).map((r) => `${r.registryId} ${r.path}`)).toEqual([
      "openrouter /key",
      "deepseek /user/balance",
    ]);
    await balance(ada, openrouter);
    expect(fake.requests.length - asked).toBe(2); // the second answer came from the cache

    expect((await balance(ada, openai)).json).toMatchObject({ code: "balance_not_supported" });
    expect((await balance(babbage, openrouter)).status).toBe(404);
  });

  it("a key the provider rejects: 400 invalid_api_key, nothing cached", async () => {
    const ada = await insertUser("ada");
    const apiKey = fakeKey("sk-test-valid-");
    const id = await save(ada, "openrouter", apiKey);
    fake.revoke(apiKey);
    expect((await balance(ada, id)).json).toMatchObject({ code: "invalid_api_key" });
    fake.restore(apiKey);
    expect((await balance(ada, id)).json).toMatchObject({ remainingUsd: 12.5 });
  });
});
