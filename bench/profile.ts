/**
 * npm run bench:profile -- <floor|list|providers|chat> — where the server's CPU goes under the bench's load.
 *
 * Starts `next start` on the existing build under `node --cpu-prof`, on the same databases as `npm run bench`
 * (PostgreSQL when DATABASE_URL is set, else a PGlite folder), seeds the bench users, loads the one route for
 * BENCH_PROFILE_SECONDS (default 15) with the bench's connections, stops the server (SIGTERM: the profile is
 * written on exit) and prints the heaviest functions by self time. The .cpuprofile stays in bench/profiles/ for
 * Chrome DevTools. `chat` loads POST /api/chat with the streaming bench instead (bench/streaming.ts: 20 streams in
 * flight; BENCH_STREAM_ROUNDS rounds, 2 by default here) and prints its time-to-first-token table too. `gateway`
 * loads POST /api/v1/chat/completions with small non-streamed answers from the fake in its own process
 * (bench/gateway.ts), BENCH_PROFILE_CONCURRENCY in flight (default 50; 1: one at a time).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, signInOverHttp, startApp } from "@/dev/app-server";
import { startFakeProviders } from "@/dev/fake-providers/server";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { closedLoop, seedGatewayUser, startChild, stopChild, whole } from "./gateway";
import { cookieRotation, load, READS, type Read, signIn } from "./http-runs";
import { BENCH_CHAT_KEY, BENCH_PASSWORD, seedBenchUsers } from "./seed";
import { measureStreaming, printStreaming } from "./streaming";
import { type CpuProfile, topFrames } from "./cpu-profile";
import { KEYRING, SETTINGS } from "./settings";

async function main() {
  const read = (process.argv[2] ?? "list") as Read | "chat" | "gateway";
  if (read === "gateway") return profileGateway();
  if (read !== "chat" && !(read in READS))
    throw new Error(`which route? one of ${[...Object.keys(READS), "chat"].join(", ")}`);
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
  const dir = resolve("bench/profiles", `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}-${read}`);
  mkdirSync(dir, { recursive: true });

  const database = await throwawayDatabase({
    server: process.env.DATABASE_URL,
    prefix: "byok_bench",
    pglite: "folder",
  });
  const seeded = await seedBenchUsers(database.env); // before the app opens the database (PGlite: one process)
  const fake = await startFakeProviders();
  try {
    const app = await startApp({
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
      env: {
        ...database.env,
        ...fake.env,
        API_KEY_ENCRYPTION_KEYS: KEYRING,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
        RATE_LIMIT_VALIDATIONS_PER_MINUTE: "1000000000",
        RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000000",
        RATE_LIMIT_CHATS_PER_MINUTE: "1000000000",
      },
    });
    if (read === "chat") {
      const cookie = await signInOverHttp(app.url, seeded.emails[0]!, BENCH_PASSWORD, false);
      const target = { name: "local", url: app.url, cookie, providerId: seeded.providers[0]!.id };
      console.log(`profiling POST /api/chat on ${database.label}: the streaming bench`);
      printStreaming(await measureStreaming([target], fake, BENCH_CHAT_KEY, (text) => console.log(text)));
    } else {
      const cookies = await signIn(app.url, seeded.emails, (text) => console.log(text));
      const requests = [cookieRotation(cookies).rotate()];
      await load("warm-up", { url: `${app.url}${READS[read]}`, duration: 3, requests });
      console.log(
        `profiling GET ${READS[read]} on ${database.label}: ${seconds} s × ${SETTINGS.connections} connections`,
      );
      const run = await load(read, { url: `${app.url}${READS[read]}`, duration: seconds, requests });
      console.log(
        `${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, errors ${run.errors}`,
      );
    }
    await app.stop();
  } finally {
    await fake.close();
    await database.drop();
  }
  printProfiles(dir);
}

/** The heaviest functions of each thread's profile in `dir`. */
function printProfiles(dir: string) {
  // Node writes one profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 the server's.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort();
  if (files.length === 0) throw new Error(`no profile was written to ${dir}`);
  for (const file of files) {
    const thread = file.split(".").at(-3) === "0" ? "the server's thread" : `worker thread ${file.split(".").at(-3)}`;
    console.log(`\n${join(dir, file)} (${thread}) — self time, idle excluded (warm-up and seeding included):`);
    for (const line of topFrames(
      JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile,
      thread.startsWith("worker") ? 8 : 25,
    ))
      console.log(line);
  }
}

/** POST /api/v1/chat/completions under load, small answers from the fake in a process of its own. */
async function profileGateway() {
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
  const concurrency = Number(process.env.BENCH_PROFILE_CONCURRENCY ?? 50);
  const dir = resolve("bench/profiles", `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}-gateway`);
  mkdirSync(dir, { recursive: true });
  const database = await throwawayDatabase({
    server: process.env.DATABASE_URL,
    prefix: "byok_bench_gw",
    pglite: "folder",
  });
  const secret = randomBytes(32).toString("base64");
  const seeded = await seedGatewayUser({ ...database.env, API_KEY_ENCRYPTION_KEYS: KEYRING, NEXTAUTH_SECRET: secret });
  const fakePort = await freePort();
  const fake = await startChild(["--import", "tsx", "scripts/fake-providers.ts"], /listening on/, {
    FAKE_PROVIDERS_PORT: String(fakePort),
  });
  try {
    const app = await startApp({
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
      env: {
        ...database.env,
        API_KEY_ENCRYPTION_KEYS: KEYRING,
        NEXTAUTH_SECRET: secret,
        RATE_LIMIT_GATEWAY_PER_MINUTE: "1000000000",
        PROVIDER_BASE_URL_OPENAI: `http://127.0.0.1:${fakePort}/openai/v1`,
      },
    });
    const call = () =>
      whole(
        `${app.url}/api/v1/chat/completions`,
        { "content-type": "application/json", authorization: `Bearer ${seeded.token}` },
        JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] }),
      );
    await closedLoop(concurrency, 3, call);
    console.log(
      `profiling POST /api/v1/chat/completions on ${database.label}: ${seconds} s × ${concurrency} in flight`,
    );
    const { samples } = await closedLoop(concurrency, seconds, call);
    const ms = samples
      .filter((s) => s.ok)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    console.log(
      `${(ms.length / seconds).toFixed(0)} req/s, p50 ${ms[ms.length >> 1]?.toFixed(2)} ms, failed ${samples.length - ms.length}`,
    );
    await app.stop();
  } finally {
    await stopChild(fake);
    await database.drop();
  }
  printProfiles(dir);
}

await main();
