import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import * as openApiRoute from "@/app/api/openapi.json/route";
import { documentProblems } from "../fixtures/openapi";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Document = { openapi: string; paths: Record<string, Record<string, unknown>> };

async function servedDocument(): Promise<Document> {
  const response = openApiRoute.GET();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  return (await response.json()) as Document;
}

/** Every route file under app/api, as the URL path Next serves it at, with the methods it exports. */
async function routeFiles(): Promise<{ path: string; methods: string[] }[]> {
  const root = join(process.cwd(), "app", "api");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(`${sep}route.ts`) || f === "route.ts",
  );
  return Promise.all(
    files.map(async (file) => {
      const exported = (await import(/* @vite-ignore */ join(root, file))) as Record<string, unknown>;
      const path = `/api/${relative(root, join(root, file)).split(sep).slice(0, -1).join("/")}`;
      return { path, methods: METHODS.filter((m) => typeof exported[m] === "function") };
    }),
  );
}

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await servedDocument();
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("names every operation once and says what each needs (a generated client gets a function per operation)", async () => {
    const document = await servedDocument();
    const operations = Object.values(document.paths).flatMap(
      (item) => Object.values(item) as { operationId?: string; security?: unknown[] }[],
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.every((operation) => Array.isArray(operation.security))).toBe(true);
    expect(ids).toEqual(
      expect.arrayContaining(["listApiKeys", "getAuthCsrf", "postV1ChatCompletions", "optionsV1Messages"]),
    );
  });

  it("documents every route file and method, and nothing that does not exist", async () => {
    const document = await servedDocument();
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const served = new Set<string>();
    for (const { path, methods } of await routeFiles()) {
      if (path === "/api/auth/[...nextauth]") {
        // next-auth's catch-all: the document lists the endpoints a client of this API uses.
        for (const op of [
          "GET /api/auth/csrf",
          "POST /api/auth/callback/credentials",
          "GET /api/auth/session",
          "POST /api/auth/signout",
        ]) {
          expect(documented).toContain(op);
          served.add(op);
        }
        continue;
      }
      const template = path.replace(/\[([^\]]+)\]/g, "{$1}");
      for (const method of methods) served.add(`${method} ${template}`);
    }
    expect([...served].sort()).toEqual([...documented].sort());
  });
});

describe("the conformance check every route test runs (fixtures/openapi.ts)", () => {
  const row = {
    id: "0b6c4a47-7f2a-4ae5-9e09-6a3f3ed0f0a1",
    providerId: "5d8f1f53-6c1a-4a0e-8a36-3a6f7e0c6a11",
    apiKey: "sk-t****************abcd",
    isEnabled: true,
    label: "Default",
    position: 0,
    expiresAt: null,
    createdAt: "2026-11-26T10:00:00.000Z",
    updatedAt: "2026-11-26T10:00:00.000Z",
    lastValidatedAt: null,
    needsReentry: false,
    health: "unchecked",
    healthCheckedAt: null,
    healthMessage: null,
    lastUsedAt: null,
    budget: null,
    usage: { requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 },
  };
  const list = (rows: unknown[]) =>
    documentProblems("GET", "http://localhost/api/user/api-keys", 200, JSON.stringify(rows));

  it("passes a documented answer", () => {
    expect(list([row])).toEqual([]);
    expect(
      documentProblems(
        "GET",
        "http://localhost/api/user/api-keys",
        401,
        JSON.stringify({ error: "Sign in to continue.", code: "unauthorized" }),
      ),
    ).toEqual([]);
  });

  it("fails an undocumented status, an undocumented field, a missing field, a wrong type, an unknown path", () => {
    expect(documentProblems("GET", "http://localhost/api/user/api-keys", 418, "[]")).toHaveLength(1);
    expect(list([{ ...row, plaintext: "sk-secret" }])[0]).toMatch(/additional/);
    const { needsReentry: _, ...missing } = row;
    expect(list([missing])[0]).toMatch(/needsReentry/);
    expect(list([{ ...row, isEnabled: "yes" }])[0]).toMatch(/boolean/);
    expect(list([{ ...row, health: "fine" }])[0]).toMatch(/allowed values/);
    expect(list([{ ...row, usage: { ...row.usage, requests: -1 } }])[0]).toMatch(/usage\/requests/);
    expect(documentProblems("PUT", "http://localhost/api/user/api-keys", 200, "{}")).toHaveLength(1);
    expect(documentProblems("GET", "http://localhost/api/nowhere", 200, "{}")).toHaveLength(1);
  });
});
