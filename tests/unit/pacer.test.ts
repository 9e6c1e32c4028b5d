import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { envProblems } from "@/lib/env";
import { ProviderPacer } from "@/lib/keys/pacer";
import { recheckHours } from "@/lib/keys/recheck-schedule";

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
  const given = (value: string | undefined) => {
    if (value === undefined) delete process.env.KEY_RECHECK_HOURS;
    else process.env.KEY_RECHECK_HOURS = value;
    return recheckHours();
  };
  afterEach(() => void delete process.env.KEY_RECHECK_HOURS);

  it("defaults to 24, takes 0 for off and any number of hours; anything else is 24 and a problem a start refuses", () => {
    expect(given(undefined)).toBe(24);
    expect(given("")).toBe(24);
    expect(given("0")).toBe(0);
    expect(given("6")).toBe(6);
    expect(given("0.5")).toBe(0.5);
    expect(envProblems()).toEqual([]);
    expect(given("daily")).toBe(24);
    expect(envProblems()).toEqual([expect.stringMatching(/^KEY_RECHECK_HOURS .*\(got "daily"\)/)]);
    expect(given("-1")).toBe(24);
    expect(envProblems()).toEqual([expect.stringMatching(/^KEY_RECHECK_HOURS .*\(got "-1"\)/)]);
  });
});
