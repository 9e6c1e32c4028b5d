import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProviderPacer } from "@/lib/keys/pacer";
import { recheckHours } from "@/lib/keys/recheck-schedule";
import { captureLogs } from "../fixtures/logs";

const logs = captureLogs();
const warnings = () => logs.filter((line) => line.includes('"level":"warn"') && line.includes("KEY_RECHECK_HOURS"));

describe("ProviderPacer", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("spaces the turns of one provider, whatever the concurrency, and leaves other providers alone", async () => {
    const pacer = new ProviderPacer(250);
    const started: [string, number][] = [];
    const take = (provider: string) => pacer.turn(provider).then(() => void started.push([provider, Date.now()]));
    const all = Promise.all([take("openai"), take("openai"), take("anthropic"), take("openai"), take("anthropic")]);
    await vi.runAllTimersAsync();
    await all;
    expect(started.filter(([p]) => p === "openai").map(([, at]) => at)).toEqual([0, 250, 500]);
    expect(started.filter(([p]) => p === "anthropic").map(([, at]) => at)).toEqual([0, 250]);
  });

  it("gives a turn at once when the provider has been quiet for longer than the spacing", async () => {
    const pacer = new ProviderPacer(250);
    await pacer.turn("groq");
    await vi.advanceTimersByTimeAsync(1_000);
    const before = Date.now();
    await pacer.turn("groq");
    expect(Date.now()).toBe(before);
  });

  it("stops waiting when its signal aborts", async () => {
    const pacer = new ProviderPacer(10_000);
    await pacer.turn("xai");
    const controller = new AbortController();
    const waiting = pacer.turn("xai", controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("KEY_RECHECK_HOURS", () => {
  it("defaults to 24, takes 0 for off and any number of hours, and warns about anything else", () => {
    expect(recheckHours(undefined)).toBe(24);
    expect(recheckHours("")).toBe(24);
    expect(recheckHours("0")).toBe(0);
    expect(recheckHours("6")).toBe(6);
    expect(recheckHours("0.5")).toBe(0.5);
    expect(warnings()).toEqual([]);
    expect(recheckHours("daily")).toBe(24);
    expect(recheckHours("-1")).toBe(24);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[0]).toContain('KEY_RECHECK_HOURS=\\"daily\\" is not a number of hours; using 24.');
  });
});
