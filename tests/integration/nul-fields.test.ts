import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { RouteContext } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { getDb } from "@/lib/db/client";
import { modelProvider, user, userApiKey } from "@/lib/db/schema";
import type { NextRequest } from "next/server";
import { call } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";
import { insertUser } from "../fixtures/users";

/**
 * A NUL character cannot be stored in PostgreSQL text: in any field of any operation's body or query string it is
 * a 400 naming that field, before any statement (the database answered a false 503 "database unavailable" and
 * logged the statement's parameters). Every operation of lib/api/operations.ts, every top-level field.
 */
const logs = captureLogs();
const NUL = "a\u0000b";

type Handler = (request: NextRequest, context?: RouteContext) => Promise<Response>;

/** The route module of an operation's path (`/api/user/endpoints/{id}` → app/api/user/endpoints/[id]/route.ts). */
async function handlerOf(path: string, method: string): Promise<Handler> {
  const file = join(
    process.cwd(),
    "app",
    ...path
      .split("/")
      .filter(Boolean)
      .map((s) => s.replace(/^\{(.+)\}$/, "[$1]")),
    "route.ts",
  );
  const routeModule = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
  return routeModule[method.toUpperCase()]!;
}

const fieldsOf = (schema: z.ZodType | undefined) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);

const withBody = Object.entries(operations).filter(([, op]) => op.body !== undefined);
const withQuery = Object.entries(operations).filter(([, op]) => op.query !== undefined);

async function snapshot() {
  const db = await getDb();
  return JSON.stringify([
    await db.select().from(user),
    await db.select().from(userApiKey),
    await db.select().from(modelProvider),
  ]);
}

describe("a NUL character in any field", () => {
  it("covers every operation with a body or a query, each with its fields", () => {
    expect(withBody.length).toBeGreaterThanOrEqual(10);
    for (const [name, op] of [...withBody, ...withQuery]) expect(fieldsOf(op.body ?? op.query), name).not.toEqual([]);
  });

  it.each(withBody)("%s: 400 invalid_body naming each field that holds one, nothing changed", async (_name, op) => {
    const ada = await insertUser("nul");
    const handler = await handlerOf(op.path, op.method);
    const path = op.path.replace(/\{[^}]+\}/g, randomUUID());
    const before = await snapshot();
    for (const field of fieldsOf(op.body)) {
      const answer = await call(handler, { method: op.method.toUpperCase(), path, as: ada, body: { [field]: NUL } });
      expect(answer.status, `${field}: ${answer.text}`).toBe(400);
      expect(answer.json).toEqual({
        code: "invalid_body",
        error: `${field}: Must not contain a NUL character (\\u0000).`,
        fields: { [field]: "Must not contain a NUL character (\\u0000)." },
      });
    }
    // Deeper fields too, all of them named.
    const answer = await call(handler, {
      method: op.method.toUpperCase(),
      path,
      as: ada,
      body: { list: [{ text: NUL }], other: NUL },
    });
    expect(answer.json).toMatchObject({
      code: "invalid_body",
      fields: { "list.0.text": expect.any(String), other: expect.any(String) },
    });
    expect(await snapshot()).toBe(before);
  });

  it.each(withQuery)("%s: 400 invalid_query naming the parameter", async (_name, op) => {
    const ada = await insertUser("nul");
    const handler = await handlerOf(op.path, op.method);
    for (const field of fieldsOf(op.query)) {
      const answer = await call(handler, { path: `${op.path}?${field}=a%00b`, as: ada });
      expect(answer.status, `${field}: ${answer.text}`).toBe(400);
      expect(answer.json).toMatchObject({
        code: "invalid_query",
        fields: { [field]: "Must not contain a NUL character (\\u0000)." },
      });
    }
  });

  it("never reached the database: no line about a refused value or an unavailable database", () => {
    expect(logs.filter((line) => /database|22021/.test(line))).toEqual([]);
  });
});
