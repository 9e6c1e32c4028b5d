import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { getDb } from "@/lib/db/client";
import { createEndpoint } from "@/lib/db/endpoints";
import { databaseNow } from "@/lib/db/key-health";
import { type BuiltInProviderRecord, listBuiltInProviders, type ProviderRecord } from "@/lib/db/providers";
import { keyEvent, userApiKey } from "@/lib/db/schema";
import { deleteUserApiKey, getUserApiKeyForProvider, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import type { PublicUser } from "@/lib/db/users";
import { recheckKeys } from "@/lib/keys/recheck";
import { startRechecker } from "@/lib/keys/recheck-schedule";
import { storeApiKey } from "@/lib/keys/vault";
import type { RegistryId } from "@/lib/domain/catalogue";
import { captureLogs } from "../fixtures/logs";
import { fakeKey, insertUser } from "../fixtures/users";

/** Re-checks: `npm run keys:check` and the background re-checker share lib/keys/recheck.ts. */
let fake: FakeProviders;
let providers: BuiltInProviderRecord[];
const byRegistry = {} as Record<RegistryId, ProviderRecord>;
const logs = captureLogs();
const secrets: string[] = [];

function key(behaviour: string): string {
  const k = `sk-test-${behaviour}-${fakeKey("")}`;
  secrets.push(k);
  return k;
}

/** Requests the fake providers received with this key, to any key-check endpoint. */
const checksOf = (apiKey: string) => fake.requests.filter((r) => r.credential === apiKey).length;

async function backdateCheck(userId: string, providerId: string, hours: number) {
  const db = await getDb();
  await db
    .update(userApiKey)
    .set({ healthCheckedAt: sql`now() - make_interval(hours => ${hours})` })
    .where(and(eq(userApiKey.userId, userId), eq(userApiKey.providerId, providerId)));
}

async function eventsOf(person: PublicUser) {
  const db = await getDb();
  return db.select().from(keyEvent).where(eq(keyEvent.userId, person.id)).orderBy(keyEvent.id);
}

const hoursAgo = async (hours: number) => new Date((await databaseNow()).getTime() - hours * 3_600_000);
const quick = { concurrency: 3, providerSpacingMs: 0 };

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: 20_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
  providers = await listBuiltInProviders();
  for (const p of providers) byRegistry[p.registryId] = p;
});
afterAll(() => fake.close());

describe("a re-check pass", () => {
  it("asks about every enabled key not checked lately, once, and records what each provider says", async () => {
    const ada = await insertUser("ada");
    const babbage = await insertUser("babbage");
    for (const p of providers) await storeApiKey(ada.id, p.id, key("valid"));
    const revoked = key("valid");
    await storeApiKey(babbage.id, byRegistry.openai.id, revoked, { health: "ok", message: "Verified." });
    await backdateCheck(babbage.id, byRegistry.openai.id, 30);
    fake.revoke(revoked);
    await storeApiKey(babbage.id, byRegistry.anthropic.id, key("limited"));
    await storeApiKey(babbage.id, byRegistry.google.id, key("error500"));
    const disabled = key("valid");
    await storeApiKey(babbage.id, byRegistry.mistral.id, disabled);
    await setUserApiKeyEnabled(babbage.id, byRegistry.mistral.id, false);
    const recent = key("valid");
    await storeApiKey(babbage.id, byRegistry.groq.id, recent, { health: "ok", message: "Verified." });
    // A row whose ciphertext belongs to another user's key: the keyring refuses to open it there.
    const db = await getDb();
    const [stolen] = await db
      .select({ envelope: userApiKey.encryptedKey })
      .from(userApiKey)
      .where(eq(userApiKey.userId, ada.id))
      .limit(1);
    await storeApiKey(babbage.id, byRegistry.xai.id, key("valid"));
    await db
      .update(userApiKey)
      .set({ encryptedKey: stolen!.envelope })
      .where(and(eq(userApiKey.userId, babbage.id), eq(userApiKey.providerId, byRegistry.xai.id)));

    const checkedBefore = await hoursAgo(24);
    const summary = await recheckKeys({ checkedBefore, ...quick });
    expect(summary).toMatchObject({
      due: 12,
      checked: 11,
      byHealth: { ok: 8, rejected: 1, limited: 1, unreachable: 1 },
      undecryptable: 1,
      goneMeanwhile: 0,
      aborted: false,
      changes: {
        "OpenAI: ok → rejected": 1,
        "OpenAI: unchecked → ok": 1,
        "Anthropic: unchecked → ok": 1,
        "Anthropic: unchecked → limited": 1,
        "Google Gemini: unchecked → ok": 1,
        "Google Gemini: unchecked → unreachable": 1,
        "Mistral: unchecked → ok": 1,
        "Groq: unchecked → ok": 1,
        "xAI: unchecked → ok": 1,
        "DeepSeek: unchecked → ok": 1,
        "OpenRouter: unchecked → ok": 1,
      },
    });
    expect(checksOf(revoked)).toBe(1);
    expect(checksOf(disabled)).toBe(0);
    expect(checksOf(recent)).toBe(0);
    expect(await getUserApiKeyForProvider(babbage.id, byRegistry.openai.id)).toMatchObject({
      health: "rejected",
      healthMessage: "OpenAI rejected this key.",
    });
    expect(
      (await eventsOf(babbage)).filter((e) => e.type === "key_health_changed").map((e) => [e.providerId, e.detail]),
    ).toEqual(
      expect.arrayContaining([
        [byRegistry.openai.id, { from: "ok", to: "rejected", source: "recheck", label: "Default" }],
      ]),
    );

    // A second pass of the same period finds nothing due: every key was just checked, the unreadable one is
    // left alone for a day.
    const requests = fake.requests.length;
    const again = await recheckKeys({ checkedBefore, ...quick });
    expect(again).toMatchObject({ checked: 0, undecryptable: 0 });
    expect(fake.requests.length).toBe(requests);
    fake.restore(revoked);
  });

  it("shares the keys between two concurrent passes: each key is checked exactly once", async () => {
    const fresh: string[] = [];
    for (let u = 0; u < 4; u++) {
      const person = await insertUser(`racer${u}`);
      for (const p of providers) {
        const k = key("valid");
        fresh.push(k);
        await storeApiKey(person.id, p.id, k);
      }
    }
    const checkedBefore = await hoursAgo(1); // the fresh keys were never checked; the others just were
    const [one, two] = await Promise.all([
      recheckKeys({ checkedBefore, ...quick, batchSize: 5 }),
      recheckKeys({ checkedBefore, ...quick, batchSize: 5 }),
    ]);
    expect(fresh.map(checksOf)).toEqual(fresh.map(() => 1));
    expect(one.checked + two.checked).toBe(fresh.length);
  });

  it("stops when told to, hands its keys back, and records nothing for the check it cut short", async () => {
    const carol = await insertUser("carol");
    const slow = key("slow");
    await storeApiKey(carol.id, byRegistry.deepseek.id, slow);
    const controller = new AbortController();
    const pass = recheckKeys({ checkedBefore: await hoursAgo(1), ...quick, signal: controller.signal });
    await vi.waitFor(() => expect(checksOf(slow)).toBe(1), { timeout: 10_000 });
    controller.abort();
    expect(await pass).toMatchObject({ aborted: true, checked: 0 });
    const db = await getDb();
    const [row] = await db.select().from(userApiKey).where(eq(userApiKey.userId, carol.id));
    expect(row).toMatchObject({ health: "unchecked", healthCheckedAt: null, recheckLeaseUntil: null });
    expect((await eventsOf(carol)).map((e) => e.type)).toEqual(["key_created"]);
    await deleteUserApiKey(carol.id, byRegistry.deepseek.id);
  });
});

describe("custom endpoints", () => {
  it("are re-checked at their own base URL through the guard, keyless ones without a key", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    const erin = await insertUser("erin");
    const lab = await createEndpoint(erin.id, { name: "Erin's lab", baseUrl: fake.endpointURL("keyed") });
    const open = await createEndpoint(erin.id, { name: "Erin's Ollama", baseUrl: fake.endpointURL("open") });
    const revoked = key("valid");
    await storeApiKey(erin.id, lab.id, revoked, { health: "ok", message: "Verified." });
    await storeApiKey(erin.id, open.id, null, { health: "ok", message: "Verified." });
    await backdateCheck(erin.id, lab.id, 30);
    await backdateCheck(erin.id, open.id, 30);
    fake.revoke(revoked);
    const since = fake.requests.length;
    const summary = await recheckKeys({ checkedBefore: await hoursAgo(24), ...quick });
    expect(summary.changes).toMatchObject({ "Erin's lab: ok → rejected": 1 });
    expect((await getUserApiKeyForProvider(erin.id, lab.id))?.health).toBe("rejected");
    expect((await getUserApiKeyForProvider(erin.id, open.id))?.health).toBe("ok");
    const asked = fake.requests.slice(since).filter((r) => r.registryId === "custom");
    expect(asked.map((r) => r.credential ?? "(none)").sort()).toEqual(["(none)", revoked].sort());
  });
});

describe("the background re-checker", () => {
  it("finds a key its provider started rejecting and marks it rejected, with an event; stops on request", async () => {
    const dave = await insertUser("dave");
    const apiKey = key("valid");
    await storeApiKey(dave.id, byRegistry.groq.id, apiKey, { health: "ok", message: "Verified." });
    await backdateCheck(dave.id, byRegistry.groq.id, 1);
    fake.revoke(apiKey);
    // A period of 3.6 s (0.001 h): the first pass runs within a second.
    const rechecker = startRechecker(0.001, { random: () => 0 });
    try {
      await vi.waitFor(
        async () => expect((await getUserApiKeyForProvider(dave.id, byRegistry.groq.id))?.health).toBe("rejected"),
        {
          timeout: 20_000,
          interval: 200,
        },
      );
    } finally {
      await rechecker.stop();
    }
    expect((await eventsOf(dave)).at(-1)).toMatchObject({
      type: "key_health_changed",
      detail: { from: "ok", to: "rejected", source: "recheck" },
    });
    expect(logs.some((line) => line.includes("[recheck]") && line.includes("Groq: ok → rejected (1)"))).toBe(true);
  });
});

describe("secrets", () => {
  it("never appear in a log line", () => {
    expect(logs.some((line) => line.includes("[recheck]"))).toBe(true);
    const everything = logs.join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
