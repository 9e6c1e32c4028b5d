import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { closeDb } from "@/lib/db/client";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { listBuiltInProviders } from "@/lib/db/providers";
import { storeApiKey } from "@/lib/keys/vault";
import { databaseScriptsCanOpen, runScript } from "../fixtures/scripts";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * `npm run keys:check` as an operator runs it: a separate process on the same database (PostgreSQL, or a PGlite
 * folder this file hands over to it), the fake providers answering.
 */
await databaseScriptsCanOpen("byok_keys_check");

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());

/**
 * The longest one run may take (runScript kills the child then). A run starts a process, compiles the script and
 * opens the database: seconds when the machine is idle, far more while other builds run. A test's budget is its
 * runs' bounds plus its own work, not the suite's default 30 s.
 */
const RUN_TIMEOUT_MS = 60_000;
const budget = (runs: number) => runs * RUN_TIMEOUT_MS + 30_000;

const keysCheck = (env: Record<string, string>, args: string[] = []) =>
  runScript("scripts/keys-check.ts", { ...fake.env, ...env }, args);

describe("npm run keys:check", () => {
  it(
    "re-checks every enabled key, prints a summary of what changed, and exits 0 even when keys are rejected",
    async () => {
      const ada = await insertUser("ada");
      const providers = await listBuiltInProviders();
      const behaviours = ["valid", "valid", "invalid", "limited", "valid", "error500", "valid", "valid"];
      for (const [i, p] of providers.entries())
        await storeApiKey(ada.id, p.id, `sk-test-${behaviours[i]}-${fakeKey("")}`);
      await closeDb(); // hand the database over (PGlite: one process per folder)

      const result = await keysCheck({}, ["--concurrency", "3", "--spacing-ms", "10"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Re-checking every enabled key in .+ \(3 at a time, ≥ 10 ms apart per provider\)/);
      expect(result.stdout).toContain("Checked 8 of 8 due keys");
      expect(result.stdout).toMatch(/ok\s+5\n/);
      expect(result.stdout).toMatch(/rejected\s+1\n/);
      expect(result.stdout).toMatch(/limited\s+1\n/);
      expect(result.stdout).toMatch(/unreachable\s+1\n/);
      expect(result.stdout).toMatch(/Google Gemini: unchecked → rejected\s+1/);
      expect(result.stdout).toMatch(/Mistral: unchecked → limited\s+1/);
      expect(result.stdout).toMatch(/xAI: unchecked → unreachable\s+1/);
      expect(result.stdout).toMatch(/8\/8 checked, 8 changed/); // the progress line (not a TTY: one line per key)

      const rows = await getUserApiKeys(ada.id);
      expect(rows.map((r) => r.health).sort()).toEqual([
        "limited",
        "ok",
        "ok",
        "ok",
        "ok",
        "ok",
        "rejected",
        "unreachable",
      ]);
      await closeDb();

      const again = await keysCheck({});
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("Checked 8 of 8 due keys");
      expect(again.stdout).toContain("No key changed health.");
    },
    budget(2),
  );

  it(
    "exits 1 with one clear line when the database is down",
    async () => {
      const result = await keysCheck({
        DATABASE_URL: "postgres://postgres@127.0.0.1:9/nowhere",
        DB_AUTO_MIGRATE: "false",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: The database is unavailable right now/m);
      expect(result.stdout).not.toContain("Checked");
    },
    budget(1),
  );
});
