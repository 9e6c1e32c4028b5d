/**
 * npm run smoke:standalone — the standalone server as the container runs it, outside the repository.
 *
 * Lays the build out as the Dockerfile does (.next/standalone, plus .next/static and public/ beside it) in a
 * temporary folder, so that nothing resolves from this repository's node_modules; starts `node server.js` there
 * on a fresh database (a PGlite folder, or a throwaway database on the PostgreSQL server DATABASE_URL names) with
 * the fake providers; then signs up, signs in, saves a key the provider accepts, lists it, loads a page and one of
 * its static files, and stops the server with SIGTERM, which must end in exit code 0.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppServer, signInOverHttp, startApp } from "../dev/app-server";
import { startFakeProviders } from "../dev/fake-providers/server";
import { throwawayDatabase } from "../dev/throwaway-database";
import { run } from "./cli";

function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

/** The image's /app: the standalone output with the static files and public/ copied in, as the Dockerfile does. */
function layOut(): string {
  expect(existsSync(".next/standalone/server.js"), "no .next/standalone/server.js: run `npm run build` first");
  const app = join(mkdtempSync(join(tmpdir(), "byok-standalone-")), "app");
  cpSync(".next/standalone", app, { recursive: true });
  cpSync(".next/static", join(app, ".next/static"), { recursive: true });
  if (existsSync("public")) cpSync("public", join(app, "public"), { recursive: true });
  return app;
}

async function smoke(app: AppServer) {
  const step = (text: string) => console.log(`  ✓ ${text}`);
  const live = await fetch(`${app.url}/api/health/live`, { headers: { "x-request-id": "smoke-live" } });
  expect(live.status === 200 && (await live.text()) === '{"status":"ok"}', `live: ${live.status}`);
  expect(live.headers.get("x-request-id") === "smoke-live", "X-Request-Id not echoed");
  step("GET /api/health/live answers, X-Request-Id echoed");

  const email = `smoke.${randomUUID().slice(0, 8)}@example.test`;
  const cookie = await signInOverHttp(app.url, email, "smoke-password-1");
  step(`signed up and signed in as ${email}`);

  const providers = (await (await fetch(`${app.url}/api/providers`, { headers: { cookie } })).json()) as {
    id: string;
    registryId: string;
  }[];
  expect(providers.length === 8, `expected 8 providers, got ${providers.length}`);
  const apiKey = `sk-test-valid-${randomBytes(12).toString("hex")}`;
  const saved = await fetch(`${app.url}/api/user/api-keys`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", "x-request-id": "smoke-save" },
    body: JSON.stringify({ providerId: providers[0]!.id, apiKey }),
  });
  const savedText = await saved.text();
  expect(saved.status === 200, `save: ${saved.status} ${savedText}`);
  expect(!savedText.includes(apiKey), "the saved key came back in plaintext");
  step(`saved a key for ${providers[0]!.registryId}, checked by the (fake) provider`);

  const list = (await (await fetch(`${app.url}/api/user/api-keys`, { headers: { cookie } })).json()) as {
    providerId: string;
    apiKey: string;
  }[];
  expect(
    list.length === 1 && list[0]!.providerId === providers[0]!.id && list[0]!.apiKey !== apiKey,
    `list: ${JSON.stringify(list)}`,
  );
  step("listed it, masked");

  const page = await fetch(`${app.url}/settings`, { headers: { cookie } });
  const html = await page.text();
  const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(html)?.[0];
  expect(page.status === 200 && asset, `settings page: ${page.status}, static file referenced: ${asset}`);
  const file = await fetch(`${app.url}${asset}`);
  expect(file.status === 200 && (await file.arrayBuffer()).byteLength > 0, `${asset}: ${file.status}`);
  step(`GET /settings renders; ${asset} is served`);

  const lines = app.output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"));
  const check = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((e) => e.scope === "providers");
  expect(check?.requestId === "smoke-save", `the key check's log line lacks its request id: ${JSON.stringify(check)}`);
  expect(!app.output.join("").includes(apiKey), "the key appears in the server's output");
  step("logs are JSON lines carrying the request id, without the key");
}

await run(async () => {
  const folder = layOut();
  const database = await throwawayDatabase({
    server: process.env.DATABASE_URL,
    prefix: "byok_smoke",
    pglite: "folder",
  });
  const fake = await startFakeProviders();
  let app: AppServer | undefined;
  try {
    console.log(`standalone server from ${folder} on ${database.label}`);
    app = await startApp({
      standalone: folder,
      env: {
        ...database.env,
        ...fake.env,
        API_KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      },
    });
    await smoke(app);
    const code = await app.stop();
    app = undefined;
    expect(code === 0, `SIGTERM: exit code ${code}`);
    console.log("  ✓ SIGTERM: exit code 0");
  } catch (error) {
    if (app) console.error(app.output.join("").split("\n").slice(-40).join("\n"));
    throw error;
  } finally {
    await app?.stop();
    await fake.close();
    await database.drop();
    rmSync(join(folder, ".."), { recursive: true, force: true });
  }
});
