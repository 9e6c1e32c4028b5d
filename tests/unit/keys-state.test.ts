import { describe, expect, it } from "vitest";
import { keysOf, keysReducer, type KeysState } from "@/components/api-keys/keys-state";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { keyViewFor } from "../fixtures/key-view";

/** The settings page's keys as they change: the server's rows, and the optimistic steps shown before it answers. */
const openai = { id: "11111111-1111-4111-8111-111111111111" };
const groq = { id: "22222222-2222-4222-8222-222222222222" };
const key = (provider: { id: string }, n: number, overrides: Partial<ListedKeyView> = {}) =>
  keyViewFor(provider, {
    id: `${provider.id.slice(0, 8)}-aaaa-4aaa-8aaa-00000000000${n}`,
    label: `K${n}`,
    position: n,
    ...overrides,
  });
const state = (keys: ListedKeyView[]): KeysState => ({ keys, firstOnly: new Set(), clock: 0 });
const labels = (s: KeysState, provider = openai) => keysOf(s.keys, provider.id).map((k) => `${k.position}:${k.label}`);

describe("keysReducer", () => {
  const three = state([key(openai, 2), key(openai, 0), key(openai, 1), key(groq, 0)]);

  it("moves a key and numbers the provider's keys again, leaving other providers alone", () => {
    const up = keysReducer(three, { type: "moved", id: key(openai, 2).id, position: 0 });
    expect(labels(up)).toEqual(["0:K2", "1:K0", "2:K1"]);
    expect(labels(up, groq)).toEqual(["0:K0"]);
    const down = keysReducer(three, { type: "moved", id: key(openai, 0).id, position: 1 });
    expect(labels(down)).toEqual(["0:K1", "1:K0", "2:K2"]);
  });

  it("removes a key and closes the gap; clears a provider", () => {
    expect(labels(keysReducer(three, { type: "removed", id: key(openai, 1).id }))).toEqual(["0:K0", "1:K2"]);
    const cleared = keysReducer(three, { type: "providerCleared", providerId: openai.id, clock: 5 });
    expect(labels(cleared)).toEqual([]);
    expect(cleared.clock).toBe(5);
  });

  it("a saved row keeps the usage of the row it replaces; a new primary replaces the old one at its place", () => {
    const used = state([
      key(openai, 0, { usage: { requests: 3, inputTokens: 10, outputTokens: 20, errors: 0, costMicroUsd: 0 } }),
    ]);
    const { usage: _usage, ...row } = key(openai, 0, { label: "Renamed" });
    const saved = keysReducer(used, { type: "saved", key: row, clock: 1 });
    expect(saved.keys).toHaveLength(1);
    expect(saved.keys[0]).toMatchObject({ label: "Renamed", usage: { requests: 3 } });
    const { usage: _u, ...fresh } = key(openai, 0, { id: "ffffffff-ffff-4fff-8fff-ffffffffffff", label: "Default" });
    const replaced = keysReducer(used, { type: "saved", key: fresh, clock: 2 });
    expect(replaced.keys.map((k) => [k.id, k.usage.requests])).toEqual([[fresh.id, 0]]);
  });

  it("changes a key's fields, and restores a list from before", () => {
    const off = keysReducer(three, { type: "changed", id: key(openai, 0).id, changes: { isEnabled: false } });
    expect(keysOf(off.keys, openai.id)[0]!.isEnabled).toBe(false);
    expect(keysReducer(off, { type: "restored", keys: three.keys }).keys).toBe(three.keys);
  });

  it("turns a provider's fallback off and on", () => {
    const off = keysReducer(three, { type: "fallback", providerId: openai.id, fallback: false });
    expect([...off.firstOnly]).toEqual([openai.id]);
    expect([...keysReducer(off, { type: "fallback", providerId: openai.id, fallback: true }).firstOnly]).toEqual([]);
  });
});
