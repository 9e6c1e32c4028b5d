import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { keyUsage, modelProvider, modelUsage, userApiKey } from "@/lib/db/schema";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { rebuildUsageWindow } from "@/lib/db/key-usage";
import { withSchemaUpTo } from "../fixtures/migrations";

/**
 * The spend and gateway migration (0007) on a database an earlier version filled: usage recorded before models and
 * prices were keeps its requests and tokens, is copied into ModelUsage under the model "" and counted unpriced
 * (never as free); every custom endpoint gets a slug, unique per owner, never a built-in's id. On whichever database
 * the suite runs on.
 */
const PREVIOUS = "0006_mask_rule";

const ada = randomUUID();
const babbage = randomUUID();
const provider = randomUUID();
const key = randomUUID();
const endpoints = { first: randomUUID(), second: randomUUID(), openai: randomUUID(), babbages: randomUUID() };

await withSchemaUpTo(PREVIOUS, async (query) => {
  for (const id of [ada, babbage])
    await query(`insert into "User" (id, email, "passwordHash") values ($1, $2, 'x')`, [id, `${id}@example.test`]);
  await query(`insert into "ModelProvider" (id, "registryId", name) values ($1, 'migration-spend', 'Spend')`, [
    provider,
  ]);
  await query(
    `insert into "UserApiKey" (id, "userId", "providerId", "encryptedKey", "keyId", "keyHint") values ($1, $2, $3, 'v1.x.y.z.w', 'k1', 'sk-t****abcd')`,
    [key, ada, provider],
  );
  await query(
    `insert into "KeyUsage" ("apiKeyId", "userId", day, requests, "inputTokens", "outputTokens", errors) values
    ($1, $2, (now() at time zone 'utc')::date, 7, 700, 1400, 2), ($1, $2, (now() at time zone 'utc')::date - 3, 3, 30, 60, 0)`,
    [key, ada],
  );
  const endpoint = (id: string, owner: string, name: string, slot: number) =>
    // One statement's now() is the whole setup's: each endpoint is dated a second after the one before, so the
    // oldest keeps the plain slug whatever the random ids sort as.
    query(
      `insert into "ModelProvider" (id, "registryId", name, "ownerId", "baseUrl", "endpointSlot", "createdAt")
      values ($1, 'custom', $2, $3, 'https://e.example/v1', $4::int, now() + $4::int * interval '1 second')`,
      [id, name, owner, slot],
    );
  await endpoint(endpoints.first, ada, "My Server", 0);
  await endpoint(endpoints.second, ada, "my server", 1);
  await endpoint(endpoints.openai, ada, "OpenAI", 2);
  await endpoint(endpoints.babbages, babbage, "My Server", 0);
});

describe("migration 0007: spend and the gateway", () => {
  it("keeps earlier usage's tokens, copies it per model as unpriced, and its cost is unknown rather than 0", async () => {
    const db = await getDb();
    const days = await db.select().from(keyUsage).where(eq(keyUsage.apiKeyId, key));
    expect(days.map((d) => [d.requests, d.inputTokens, d.costMicroUsd, d.unpricedRequests]).sort()).toEqual([
      [3, 30, 0, 3],
      [7, 700, 0, 5],
    ]);
    const models = await db.select().from(modelUsage).where(eq(modelUsage.apiKeyId, key));
    expect(models).toHaveLength(2);
    expect(
      models.every((m) => m.model === "" && m.tokenId === null && m.providerId === provider && m.userId === ada),
    ).toBe(true);
    expect(models.reduce((n, m) => n + m.requests, 0)).toBe(10);
    await rebuildUsageWindow(ada, key);
    const [listed] = await getUserApiKeys(ada);
    expect(listed!.usage).toEqual({ requests: 10, inputTokens: 730, outputTokens: 1460, errors: 2, costMicroUsd: 0 });
    expect(listed!.budgetMicroUsd).toBeNull();
    const [row] = await db
      .select({ reservations: userApiKey.reservations, spend: userApiKey.spendMicroUsd })
      .from(userApiKey)
      .where(eq(userApiKey.id, key));
    expect(row).toEqual({ reservations: [], spend: 0 });
  });

  it("gives every endpoint a slug, unique per owner and never a built-in provider's id", async () => {
    const db = await getDb();
    const slugOf = async (id: string) =>
      (await db.select({ slug: modelProvider.slug }).from(modelProvider).where(eq(modelProvider.id, id)))[0]!.slug;
    expect(await slugOf(endpoints.first)).toBe("my-server");
    expect(await slugOf(endpoints.second)).toMatch(/^my-server-[0-9a-f]{8}$/);
    expect(await slugOf(endpoints.openai)).toMatch(/^openai-[0-9a-f]{8}$/);
    expect(await slugOf(endpoints.babbages)).toBe("my-server");
    const builtIns = await db
      .select({ slug: modelProvider.slug })
      .from(modelProvider)
      .where(eq(modelProvider.registryId, "openai"));
    expect(builtIns.every((p) => p.slug === null)).toBe(true);
  });
});
