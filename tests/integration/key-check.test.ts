import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PROVIDERS, type RegistryId } from "@/lib/domain/catalogue";
import { checkApiKey } from "@/lib/providers/key-check";
import type { KeyStatus } from "@/lib/domain/key-status";
import type { Behaviour } from "@/dev/fake-providers/behaviours";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { captureLogs } from "../fixtures/logs";
import { fakeKey } from "../fixtures/users";

/**
 * The slow behaviour's bound: its fake answers seconds later, so the check always gives up first, however busy the
 * machine. Every other behaviour gets a bound a local answer meets even on a loaded machine: with 700 ms for all,
 * a busy machine could turn a valid key into a timed-out one.
 */
const SLOW_TIMEOUT_MS = 700;
const ANSWER_TIMEOUT_MS = 20_000;
const timeoutFor = (behaviour: Behaviour) => (behaviour === "slow" ? SLOW_TIMEOUT_MS : ANSWER_TIMEOUT_MS);

/** The expected classification of every behaviour each provider can show, written out by hand from each provider's documented error answers (lib/providers/provider-api.ts says which). */
const generic: Partial<Record<Behaviour, KeyStatus>> = {
  valid: "valid",
  invalid: "invalid",
  limited: "limited",
  slow: "unreachable",
  error500: "unreachable",
  malformed: "unreachable",
  redirect: "unreachable",
};
const MATRIX: Record<RegistryId, Partial<Record<Behaviour, KeyStatus>>> = {
  openai: { ...generic, scope: "limited", nocredit: "limited" },
  anthropic: { ...generic, scope: "limited", disabled: "invalid", overloaded: "unreachable" },
  google: { ...generic, noaccess: "limited" },
  mistral: { ...generic },
  groq: { ...generic },
  xai: { ...generic, blocked: "invalid" },
  deepseek: { ...generic, nocredit: "limited" },
  openrouter: { ...generic, nocredit: "limited" },
};

const KEY_PREFIX: Record<RegistryId, string> = {
  openai: "sk-proj-",
  anthropic: "sk-ant-api03-",
  google: "AIza-",
  mistral: "mst-",
  groq: "gsk_",
  xai: "xai-",
  deepseek: "sk-",
  openrouter: "sk-or-v1-",
};

let fake: FakeProviders;
const logged = captureLogs();
const keys: string[] = [];
const rows: string[] = [];

beforeAll(async () => {
  fake = await startFakeProviders({ slowMs: SLOW_TIMEOUT_MS + 5_000 });
  for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
});

afterAll(async () => {
  await fake.close();
  process.stdout.write(
    `\nKey-check matrix (provider × behaviour → classification, HTTP status, ms):\n${rows.join("\n")}\n`,
  );
});

describe.each(PROVIDERS.map((p) => p.registryId))("%s key check", (registryId) => {
  it("classifies every behaviour of the fake provider as each provider documents it", async () => {
    const cases = Object.entries(MATRIX[registryId]) as [Behaviour, KeyStatus][];
    const results = await Promise.all(
      cases.map(async ([behaviour, expected]) => {
        const key = `${KEY_PREFIX[registryId]}${behaviour}-${fakeKey("")}`;
        keys.push(key);
        const started = performance.now();
        const result = await checkApiKey(registryId, key, { timeoutMs: timeoutFor(behaviour) });
        return { behaviour, expected, key, result, ms: Math.round(performance.now() - started) };
      }),
    );
    const name = PROVIDERS.find((p) => p.registryId === registryId)!.name;
    for (const { behaviour, expected, key, result, ms } of results) {
      rows.push(
        `  ${registryId.padEnd(10)} ${behaviour.padEnd(10)} → ${result.status.padEnd(11)} ${String(result.httpStatus ?? "-").padEnd(4)} ${ms}`,
      );
      expect(result.status, `${registryId}/${behaviour}`).toBe(expected);
      expect(result.valid).toBe(expected === "valid" || expected === "limited");
      expect(result.message).toContain(name);
      expect(result.message).not.toContain(key);
      expect(result.message).not.toMatch(/incorrect api key|unauthorized|authentication fails/i);
      if (behaviour === "slow") {
        expect(result.message).toBe(`Couldn't reach ${name} to check the key (timed out after 0.7 s).`);
        expect(ms).toBeGreaterThanOrEqual(SLOW_TIMEOUT_MS - 5);
      }
      if (behaviour === "redirect") expect(result.message).toMatch(/redirect/);
      if (behaviour === "invalid") expect(result.message).toBe(`${name} rejected this key.`);
    }
  });

  it("sends the key only the way the provider expects it, and nothing else", async () => {
    const key = `${KEY_PREFIX[registryId]}valid-${fakeKey("")}`;
    keys.push(key);
    const before = fake.requests.length;
    await checkApiKey(registryId, key, { timeoutMs: ANSWER_TIMEOUT_MS });
    const [request] = fake.requests.slice(before);
    expect(request).toMatchObject({ registryId, method: "GET", credential: key });
    const carrying = Object.entries(request!.headers).filter(([, v]) => String(v).includes(key));
    expect(carrying).toHaveLength(1);
  });
});

describe("a provider that cannot be reached at all", () => {
  it("is unreachable with a clear message, quickly", async () => {
    vi.stubEnv("PROVIDER_BASE_URL_MISTRAL", "http://127.0.0.1:9/v1");
    const result = await checkApiKey("mistral", `mst-valid-${fakeKey("")}`, { timeoutMs: ANSWER_TIMEOUT_MS });
    expect(result).toEqual({
      valid: false,
      status: "unreachable",
      message: "Couldn't reach Mistral to check the key (connection failed).",
    });
    vi.stubEnv("PROVIDER_BASE_URL_MISTRAL", fake.env.PROVIDER_BASE_URL_MISTRAL!);
  });
});

describe("logs", () => {
  it("record each check without the key, even when the provider echoed it back", () => {
    expect(logged.length).toBeGreaterThan(50);
    expect(logged.some((line) => line.includes("openai key check: invalid"))).toBe(true);
    for (const key of keys) {
      for (const line of logged) expect(line).not.toContain(key);
    }
  });
});
