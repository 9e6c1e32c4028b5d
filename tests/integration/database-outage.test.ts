import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, getDriver } from "@/lib/db/client";
import { getProviderByRegistryId, listProviders } from "@/lib/db/providers";
import {
  deleteUserApiKey,
  getDecryptedUserApiKey,
  getUserApiKeys,
  setUserApiKey,
  setUserApiKeyEnabled,
} from "@/lib/db/user-api-keys";
import { DatabaseUnavailableError } from "@/lib/errors";
import { TcpProxy } from "../fixtures/tcp-proxy";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The database fails under a running app and comes back. On PostgreSQL the connection is cut by a proxy; on the
 * embedded PGlite the engine itself is shut behind the app's back (a crashed engine). Either way every call fails
 * with the typed 503 error, nothing acknowledged is lost, and the app recovers without a restart.
 */
let proxy: TcpProxy | undefined;
if (process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
  await proxy.start();
  url.port = String(proxy.port);
  process.env.DATABASE_URL = url.toString();
} else {
  process.env.PGLITE_DIR = join(mkdtempSync(join(tmpdir(), "byok-outage-")), "pglite");
}
afterAll(async () => {
  await proxy?.restore().catch(() => {});
});

async function takeDatabaseDown(): Promise<void> {
  if (proxy) await proxy.cut(); // idempotent
  else await ((await getDb()) as unknown as { $client: { close(): Promise<void> } }).$client.close();
}

async function bringDatabaseBack(): Promise<void> {
  if (proxy) await proxy.restore();
  // PGlite: nothing to do by hand; the app must reopen the engine on its own.
}

describe(`database outage`, () => {
  it("answers every call with DatabaseUnavailableError while down, then recovers with every write intact", async () => {
    const driver = await getDriver();
    expect(driver).toBe(proxy ? "postgres" : "pglite");
    const ada = await insertUser("ada");
    const openai = (await getProviderByRegistryId("openai"))!;
    const before = fakeKey();
    await setUserApiKey(ada.id, openai.id, before);

    const calls: [string, () => Promise<unknown>][] = [
      ["getUserApiKeys", () => getUserApiKeys(ada.id)],
      ["setUserApiKey", () => setUserApiKey(ada.id, openai.id, fakeKey())],
      ["setUserApiKeyEnabled", () => setUserApiKeyEnabled(ada.id, openai.id, false)],
      ["deleteUserApiKey", () => deleteUserApiKey(ada.id, openai.id)],
      ["getDecryptedUserApiKey", () => getDecryptedUserApiKey(ada.id, openai.id)],
      ["listProviders", () => listProviders()],
    ];
    for (const [name, call] of calls) {
      // Again before each call: an embedded engine is reopened by the very next call after a failure.
      await takeDatabaseDown();
      const error = await call().then(
        () => new Error(`${name} succeeded while the database was down`),
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as DatabaseUnavailableError).status).toBe(503);
      expect((error as Error).message).not.toMatch(/ECONN|PGlite|closed|127\.0\.0\.1/);
    }

    await bringDatabaseBack();
    expect((await getDecryptedUserApiKey(ada.id, openai.id))?.apiKey).toBe(before);
    const after = fakeKey();
    await setUserApiKey(ada.id, openai.id, after);
    expect((await getDecryptedUserApiKey(ada.id, openai.id))?.apiKey).toBe(after);
    expect(await getUserApiKeys(ada.id)).toHaveLength(1);
  });
});
