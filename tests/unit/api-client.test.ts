import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import { callApi } from "@/lib/client/api";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { API_TYPES_FILE, apiTypesSource } from "../../scripts/api-types";
import { fakeApi } from "../fixtures/fake-api";

describe("the browser's typed client (lib/client/api.ts)", () => {
  it("is generated from the OpenAPI document the app serves, and the committed file is current", async () => {
    expect(readFileSync(API_TYPES_FILE, "utf8")).toBe(await apiTypesSource());
  });

  it("builds each call from the operation's method and path: path parameters encoded, the query, the JSON body", async () => {
    const api = fakeApi();
    // Refusals: the calls are what is tested here (a success would be parsed with its schema, below).
    for (let i = 0; i < 4; i++) api.answer(404, { error: "Not here.", code: "not_found" });
    await callApi("updateApiKey", { path: { id: "a/b?c" }, body: { label: "Work" } });
    await callApi("listModels", { query: { providerId: "p 1", id: undefined } });
    await callApi("listActivity");
    await callApi("deleteApiKey", { body: { providerId: "p1" } });
    expect(api.calls).toEqual([
      { method: "PATCH", url: "/api/user/api-keys/a%2Fb%3Fc", body: { label: "Work" } },
      { method: "GET", url: "/api/user/api-keys/models?providerId=p+1", body: undefined },
      { method: "GET", url: "/api/user/activity", body: undefined },
      { method: "DELETE", url: "/api/user/api-keys", body: { providerId: "p1" } },
    ]);
  });

  it("in tests and development, parses each success with its operation's schema: a mismatch throws, naming it", async () => {
    const api = fakeApi();
    api.answer(200, { events: [], nextCursor: null });
    expect(await callApi("listActivity")).toEqual({ ok: true, data: { events: [], nextCursor: null } });
    api.answer(200, { events: [{ id: "1" }], nextCursor: null });
    await expect(callApi("listActivity")).rejects.toThrow(
      /^The answer of listActivity does not match its schema: events\.0\./,
    );
  });

  it("types the input and the answer from the document (a wrong name, path or body does not compile)", () => {
    expectTypeOf(callApi<"listApiKeys">).returns.resolves.toMatchTypeOf<
      { ok: true; data: ListedKeyView[] } | { ok: false }
    >();
    expectTypeOf(callApi<"updateApiKey">)
      .parameter(1)
      .toMatchTypeOf<{ path: { id: string } }>();
    // @ts-expect-error: not an operation
    void (() => callApi("listKeys"));
    // @ts-expect-error: a key's path parameter is required
    void (() => callApi("updateApiKey", { body: { label: "x" } }));
  });
});
