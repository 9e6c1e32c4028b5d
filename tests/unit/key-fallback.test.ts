import { describe, expect, it } from "vitest";
import { type AttemptResult, withKeyFallback } from "@/lib/keys/fallback";

/** withKeyFallback (lib/keys/fallback.ts): the rule the models list and the chat route share. */

type Scripted = AttemptResult<string>;
const ok = (value: string): Scripted => ({ ok: true, value });
const fail = (status: "invalid" | "limited" | "unreachable", outputStarted = false): Scripted => ({
  ok: false,
  status,
  message: status,
  outputStarted,
});

async function run(script: Scripted[]) {
  const keys = script.map((_, i) => `k${i + 1}`);
  const seen: string[] = [];
  const result = await withKeyFallback(keys, async (key, index) => script[index]!, {
    onOutcome: (key) => void seen.push(key),
  });
  return { result, seen };
}

describe("withKeyFallback", () => {
  it.each([["invalid"], ["limited"], ["unreachable"]] as const)(
    "first key %s before any output → the second serves",
    async (status) => {
      const { result, seen } = await run([fail(status), ok("answer")]);
      expect(result).toMatchObject({ ok: true, value: "answer", served: "k2" });
      expect(result.tried.map((t) => [t.key, t.status])).toEqual([
        ["k1", status],
        ["k2", "valid"],
      ]);
      expect(seen).toEqual(["k1", "k2"]);
    },
  );

  it("cut after output began → no other key is tried", async () => {
    const { result, seen } = await run([fail("unreachable", true), ok("never")]);
    expect(result).toMatchObject({ ok: false, failure: { status: "unreachable", outputStarted: true } });
    expect(seen).toEqual(["k1"]);
  });

  it("the first serving → no other tried; all failing → the last failure, all tried", async () => {
    expect((await run([ok("a"), ok("b")])).seen).toEqual(["k1"]);
    const all = await run([fail("invalid"), fail("limited"), fail("unreachable")]);
    expect(all.result).toMatchObject({ ok: false, failure: { status: "unreachable" } });
    expect(all.seen).toEqual(["k1", "k2", "k3"]);
  });

  it("an attempt that throws stops everything; no keys is a bug", async () => {
    await expect(withKeyFallback(["k1", "k2"], async () => Promise.reject(new Error("ours")))).rejects.toThrow("ours");
    await expect(withKeyFallback([], async () => ok("x"))).rejects.toThrow(TypeError);
  });
});
