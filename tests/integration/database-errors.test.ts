import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "@/lib/api/respond";
import { type Database, withDb } from "@/lib/db/client";
import { sqlState, UNIQUE_VIOLATION } from "@/lib/db/errors";
import { user } from "@/lib/db/schema";
import { DatabaseUnavailableError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { captureLogs } from "../fixtures/logs";
import { prepareOutage } from "../fixtures/outage";

/**
 * What a failed statement leaves in the log, on this database (PGlite, or PostgreSQL under `npm run test:pg`):
 * drizzle 0.45's error lists every parameter of the statement (emails, password hashes, key envelopes), and so do
 * some of the driver's fields. A failure's line carries the SQLSTATE, PostgreSQL's message and the operation, and
 * none of the parameters, however it is logged; a value the database refuses is not "database unavailable".
 */
const outage = await prepareOutage();
const logs = captureLogs();

/** Parameters of a sign-up's INSERT that no log line may hold. */
function secrets() {
  return { email: `secret.${randomUUID()}@x.test`, hash: `$argon2id$v=19$m=19456,t=2,p=1$${randomUUID()}` };
}

type Secrets = ReturnType<typeof secrets>;

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error("the statement succeeded"),
    (error: unknown) => error,
  );

/** Logs the error as a careless caller would (pino's err serializer: message, stack and causes), then scans every line. */
function expectNoParameter(error: unknown, s: Secrets) {
  log.error({ err: error }, "a failure logged whole");
  expect(logs.length).toBeGreaterThan(0);
  const leaks = logs.filter((line) => line.includes(s.email) || line.includes(s.hash));
  expect(leaks).toEqual([]);
}

const refused: [string, string, RegExp, (s: Secrets) => (db: Database) => Promise<unknown>][] = [
  [
    "a NUL byte in text",
    "22021",
    /invalid byte sequence for encoding "UTF8": 0x00/,
    (s) => (db) => db.insert(user).values({ email: s.email, passwordHash: s.hash, name: "a\u0000b" }),
  ],
  [
    "an integer out of range",
    "22003",
    /value "<parameter \$1>" is out of range for type integer/,
    (s) => (db) => db.execute(sql`select ${2147483648}::int as n, ${s.email}::text as email, ${s.hash}::text as hash`),
  ],
  [
    "text that is not a uuid (PostgreSQL quotes the value)",
    "22P02",
    /invalid input syntax for type uuid: "<parameter \$1>"/,
    (s) => (db) => db.execute(sql`select ${s.email}::uuid as id, ${s.hash}::text as hash`),
  ],
];

describe("a statement the database refuses for a value it was given", () => {
  it.each(refused)(
    "%s: 400 invalid_body, never 503; the log line has the SQLSTATE, PostgreSQL's message and the operation",
    async (_what, state, message, statement) => {
      const s = secrets();
      logs.length = 0;
      const error = await failureOf(withDb(statement(s), "create user"));
      expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
      expect(isAppError(error, "invalid_body"), String(error)).toBe(true);
      const answer = toErrorResponse(error, "POST /api/auth/register");
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ code: "invalid_body" });
      const line = logs.find((l) => l.includes(`create user: ${state} `));
      expect(line, logs.join("\n")).toBeDefined();
      expect((JSON.parse(line!) as { msg: string }).msg).toMatch(message);
      expectNoParameter(error, s);
    },
  );
});

describe("an integrity violation", () => {
  it("keeps its SQLSTATE and constraint for the caller to map, is not 503, and logs without the row's values", async () => {
    const s = secrets();
    await withDb((db) => db.insert(user).values({ email: s.email, passwordHash: s.hash }));
    logs.length = 0;
    const error = await failureOf(
      withDb((db) => db.insert(user).values({ email: s.email, passwordHash: s.hash }), "create user"),
    );
    expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(sqlState(error)).toBe(UNIQUE_VIOLATION);
    // Unmapped, it is a bug of ours: a 500 whose line names the operation and the constraint PostgreSQL named.
    const answer = toErrorResponse(error, "POST /api/auth/register");
    expect(answer.status).toBe(500);
    expect(
      logs.find((l) => l.includes("create user: 23505 duplicate key value violates unique constraint")),
    ).toBeDefined();
    expectNoParameter(error, s);
  });
});

describe("a statement in flight when the database goes away", () => {
  it("is 503 database unavailable, and its line names the operation and the failure, never the parameters", async () => {
    const s = secrets();
    await withDb((db) => db.execute(sql`select 1`)); // open before the outage: the statement's own call fails
    await outage.takeDown();
    logs.length = 0;
    try {
      const error = await failureOf(
        withDb((db) => db.insert(user).values({ email: s.email, passwordHash: s.hash }), "create user"),
      );
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const answer = toErrorResponse(error, "POST /api/auth/register");
      expect(answer.status).toBe(503);
      const line = logs.find((l) => l.includes("database unavailable (create user: "));
      expect(line, logs.join("\n")).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ operation: "create user", where: "POST /api/auth/register" });
      expectNoParameter(error, s);
    } finally {
      await outage.bringBack();
    }
  });
});

describe("the error a transaction-mode pooler causes for prepared statements", () => {
  // PostgreSQL's own 26000, as a server connection answers a client whose statement was prepared on another one.
  const lost = (db: Database) => db.execute(sql.raw("execute byok_lost_statement"));

  it("is 503, and its first occurrence is logged once as what it is, with DATABASE_POOLER=transaction to set", async () => {
    delete process.env.DATABASE_POOLER;
    logs.length = 0;
    for (let i = 0; i < 3; i++) {
      const error = await failureOf(withDb(lost, "list providers"));
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(sqlState(error)).toBe("26000");
    }
    const told = logs.filter((line) => line.includes("DATABASE_POOLER=transaction"));
    expect(told, logs.join("\n")).toHaveLength(1);
    const entry = JSON.parse(told[0]!) as { msg: string; sqlState: string };
    expect(entry.sqlState).toBe("26000");
    expect(entry.msg).toMatch(
      /^PostgreSQL answered list providers: 26000 prepared statement "byok_lost_statement" does not exist: .*transaction-mode pooler/,
    );
  });
});
