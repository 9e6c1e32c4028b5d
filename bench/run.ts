/**
 * npm run bench — what the product promises about speed, measured beside its floor.
 *
 * Starts `next start` on the existing production build (it builds nothing) against PostgreSQL when
 * DATABASE_URL is set (in a fresh database on that server, dropped afterwards), else a PGlite folder, seeds users
 * with keys, and loads it with autocannon (http-runs.ts). Then, in this process (in-process.ts): SQL statements
 * per operation, decryptions per listing, list latency at 1k and 1M rows; the JavaScript the settings page
 * makes the browser load (page-js.ts); and streaming chat through the app against the fake directly
 * (streaming.ts): through the app on the keyring and, side by side, through a second app whose keys are under a
 * SoftHSM2 token (KEK_BACKEND=pkcs11, kek.ts), with the token's own costs measured one call at a time. Prints a
 * table; writes bench/results/<date>.json (report.ts). Last, the gateway (gateway.ts): /api/v1 beside Portkey's
 * open-source gateway and a Next.js pass-through floor, against one fake provider in its own process, and the
 * playground's chat over a Next.js + AI SDK floor route (the floor routes: a `BENCH_FLOOR_ROUTES=1` build only);
 * bench/results/<date>-gateway-<database>.json and .txt. BENCH_ONLY=gateway|streaming|page runs one part alone.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { startFakeProviders } from "@/dev/fake-providers/server";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { READS, runHttp } from "./http-runs";
import { kekCosts, printKekCosts, seedHsmUser, startHsmSide } from "./kek";
import { benchGateway, GATEWAY_BENCH, gatewayReport, writeGatewayResult } from "./gateway";
import { measureInProcess } from "./in-process";
import { measurePageJs } from "./page-js";
import { measurePooler, printPooler, writePoolerResult } from "./pooler";
import { type BenchResult, compareWithFloor, printReport, writeResult } from "./report";
import { BENCH_CHAT_KEY, BENCH_PASSWORD, KEYS_PER_USER, seedBenchUsers } from "./seed";
import { KEYRING, SETTINGS } from "./settings";
import { measureStreaming, printStreaming, STREAMING, type StreamTarget } from "./streaming";

let step = 0;
/** The gateway section's steps: seeding, starting, then per row (three, and the playground's) a warm-up and its rounds. */
const GATEWAY_STEPS = 2 + 4 * (1 + GATEWAY_BENCH.rounds);
const TOTAL_STEPS =
  process.env.BENCH_ONLY === "gateway"
    ? GATEWAY_STEPS
    : 9 + SETTINGS.rounds * Object.keys(READS).length + STREAMING.rounds + GATEWAY_STEPS;
function progress(text: string) {
  step++;
  const line = `[${String(step).padStart(2)}/${TOTAL_STEPS}] ${text}`;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
}

async function main() {
  if (!existsSync(".next/BUILD_ID")) {
    console.error("No production build: run `npm run build` first (the benchmark builds nothing itself).");
    process.exit(1);
  }
  const serverUrl = process.env.DATABASE_URL;
  if (process.env.BENCH_ONLY === "gateway") {
    // Just the gateway section: direct, this gateway, Portkey's (and the build's floor routes), in a database of its own.
    await gatewaySection(serverUrl);
    return;
  }
  const database = await throwawayDatabase({ server: serverUrl, prefix: "byok_bench", pglite: "folder" });
  // The token first: SoftHSM2 reads its configuration when this process first loads it.
  const hsmSide = await startHsmSide();
  const hsmDatabase = await throwawayDatabase({ server: serverUrl, prefix: "byok_bench_hsm", pglite: "folder" });

  // Written before the app starts: PGlite allows one process per folder.
  progress(`seeding ${SETTINGS.users} users with ${KEYS_PER_USER} keys at work each into ${database.label}`);
  const seeded = await seedBenchUsers(database.env);
  progress(`seeding a user whose chat key is under a SoftHSM2 token into ${hsmDatabase.label}`);
  const hsmUser = await seedHsmUser(hsmSide, hsmDatabase.env);

  progress(`starting the fake providers and next start on ${database.label}`);
  const fake = await startFakeProviders();
  const appEnv = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    RATE_LIMIT_VALIDATIONS_PER_MINUTE: "1000000000",
    RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000000",
    RATE_LIMIT_CHATS_PER_MINUTE: "1000000000",
    ...fake.env,
  };
  let app: AppServer | undefined;
  let hsmApp: AppServer | undefined;
  /** The app on the keyring and the app on the token, each with a signed-in user holding the bench's chat key. */
  const streamTargets = async (cookie: string): Promise<StreamTarget[]> => {
    progress("starting next start with KEK_BACKEND=pkcs11 (the chat key under the SoftHSM2 token)");
    hsmApp = await startApp({ env: { ...hsmDatabase.env, ...hsmSide.env, ...appEnv } });
    const hsmCookie = await signInOverHttp(hsmApp.url, hsmUser.email, BENCH_PASSWORD, false);
    return [
      { name: "local", url: app!.url, cookie, providerId: seeded.providers[0]!.id },
      { name: "pkcs11", url: hsmApp.url, cookie: hsmCookie, providerId: hsmUser.provider.id },
    ];
  };
  try {
    app = await startApp({ env: { ...database.env, API_KEY_ENCRYPTION_KEYS: KEYRING, ...appEnv } });
    if (process.env.BENCH_ONLY === "page") {
      // Just the settings page's JavaScript, for a signed-in user with the bench's keys.
      const cookie = await signInOverHttp(app.url, seeded.emails[0]!, BENCH_PASSWORD, false);
      console.log(JSON.stringify(await measurePageJs(app.url, cookie), null, 2));
      return;
    }
    if (process.env.BENCH_ONLY === "pooler") {
      // Just the pooler's cost: the key list straight to PostgreSQL and through PgBouncer (transaction mode).
      if (!serverUrl) throw new Error("BENCH_ONLY=pooler measures PostgreSQL behind PgBouncer: set DATABASE_URL");
      const env = { ...database.env, API_KEY_ENCRYPTION_KEYS: KEYRING, ...appEnv };
      const result = await measurePooler(app, database.location, env, seeded.emails, progress);
      printPooler(result);
      console.log(`\nWrote ${writePoolerResult(result, database.label)}`);
      return;
    }
    if (process.env.BENCH_ONLY === "streaming") {
      // Just the streaming measurement: one seeded user, whose first provider's key is a valid one, on each app.
      const cookie = await signInOverHttp(app.url, seeded.emails[0]!, BENCH_PASSWORD, false);
      printStreaming(await measureStreaming(await streamTargets(cookie), fake, BENCH_CHAT_KEY, progress));
      await Promise.all([app.stop(), hsmApp?.stop()]);
      app = hsmApp = undefined;
      progress("the key-encryption key's costs, one call at a time");
      printKekCosts(await kekCosts(hsmSide));
      return;
    }
    const { reads, upsert, toggle, deletion, cookie } = await runHttp(app.url, seeded, progress);

    progress("settings page JavaScript in Chromium");
    const pageJs = await measurePageJs(app.url, cookie);

    // The first provider's key of the signed-in user: the upsert run above left this one in place.
    const streaming = await measureStreaming(await streamTargets(cookie), fake, BENCH_CHAT_KEY, progress);

    await Promise.all([app.stop(), hsmApp?.stop()]);
    app = hsmApp = undefined;
    progress("the key-encryption key's costs, one call at a time");
    const kek = await kekCosts(hsmSide);

    progress("statements and decryptions per operation; list latency at 1k and 1M rows");
    // This process opens its own database: the same PostgreSQL database, or a fresh in-memory PGlite.
    const inProcessDatabase = serverUrl
      ? database
      : await throwawayDatabase({ prefix: "byok_bench", pglite: "memory" });
    const inProcess = await measureInProcess(inProcessDatabase.env);

    const result: BenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      database: database.label,
      settings: {
        durationSeconds: SETTINGS.durationSeconds,
        connections: SETTINGS.connections,
        rounds: SETTINGS.rounds,
        users: SETTINGS.users,
        keysPerUser: KEYS_PER_USER,
      },
      runs: [...Object.values(reads).flat(), upsert, toggle, deletion],
      versusFloor: compareWithFloor(reads, { upsert, toggle, deletion }),
      ...inProcess,
      settingsPageJs: pageJs,
      streaming,
      kekCosts: kek,
    };
    printReport(result);
    printStreaming(streaming);
    printKekCosts(kek);
    console.log(`\nWrote ${writeResult(result, serverUrl ? "postgres" : "pglite")}`);
    await gatewaySection(serverUrl);
  } finally {
    await Promise.all([app?.stop(), hsmApp?.stop()]);
    await fake.close();
    await database.drop();
    await hsmDatabase.drop();
    hsmSide.hsm.drop();
  }
}

/** The gateway section (bench/gateway.ts): measured, printed, written to bench/results. */
async function gatewaySection(serverUrl: string | undefined) {
  const result = await benchGateway(serverUrl, progress);
  const lines = gatewayReport(result);
  console.log(`\n\n${lines.join("\n")}`);
  console.log(`\nWrote ${writeGatewayResult(result, lines)}`);
}

await main();
