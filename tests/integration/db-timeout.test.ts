import { describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { getDb, getDriver, withDb } from "@/lib/db/client";
import { listProviders } from "@/lib/db/providers";
import { DatabaseUnavailableError } from "@/lib/errors";

describe("a database operation that never answers", () => {
  it("on PGlite (in-process) is simply awaited: there is no network to fail", async () => {
    if ((await getDriver()) !== "pglite") return expect(await getDriver()).toBe("postgres");
    vi.stubEnv("DB_OPERATION_TIMEOUT_MS", "50");
    const slow = await withDb(() => new Promise<string>((resolve) => setTimeout(() => resolve("done"), 150)));
    expect(slow).toBe("done");
    vi.stubEnv("DB_OPERATION_TIMEOUT_MS", "");
  });

  it("on PostgreSQL is answered with DatabaseUnavailableError after DB_OPERATION_TIMEOUT_MS, and the connection pool is replaced", async () => {
    if ((await getDriver()) !== "postgres") return expect(await getDriver()).toBe("pglite");
    const before = await getDb();
    vi.stubEnv("DB_OPERATION_TIMEOUT_MS", "200");
    const started = performance.now();
    const error = await withDb(() => new Promise<never>(() => {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(String((error as Error).cause)).toMatch(/timed out after 200 ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    vi.stubEnv("DB_OPERATION_TIMEOUT_MS", "");

    await new Promise((resolve) => setTimeout(resolve, 10)); // the old handle is dropped asynchronously
    expect(await listProviders(randomUUID())).toHaveLength(8);
    expect(await getDb()).not.toBe(before);
  });
});
