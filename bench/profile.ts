/**
 * npm run bench:profile -- <floor|list|providers|chat> — where the server's CPU goes under the bench's load.
 *
 * Starts `next start` on the existing build under `node --cpu-prof`, on the same databases as `npm run bench`
 * (PostgreSQL when DATABASE_URL is set, else a PGlite folder), seeds the bench users, loads the one route for
 * BENCH_PROFILE_SECONDS (default 15) with the bench's connections, stops the server (SIGTERM: the profile is
 * written on exit) and prints the heaviest functions by self time. The .cpuprofile stays in bench/profiles/ for
 * Chrome DevTools. `chat` loads POST /api/chat with the streaming bench instead (bench/streaming.ts: 20 streams in
 * flight; BENCH_STREAM_ROUNDS rounds, 2 by default here) and prints its time-to-first-token table too.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { signInOverHttp, startApp } from "@/dev/app-server";
import { startFakeProviders } from "@/dev/fake-providers/server";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { cookieRotation, load, READS, type Read, signIn } from "./http-runs";
import { BENCH_CHAT_KEY, BENCH_PASSWORD, seedBenchUsers } from "./seed";
import { measureStreaming, printStreaming } from "./streaming";
import { type CpuProfile, topFrames } from "./cpu-profile";
import { KEYRING, SETTINGS } from "./settings";

async function main() {
  const read = (process.argv[2] ?? "list") as Read | "chat";
  if (read !== "chat" && !(read in READS)) throw new Error(`which route? one of ${[...Object.keys(READS), "chat"].join(", ")}`);
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
  const dir = resolve("bench/profiles", `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}-${read}`);
  mkdirSync(dir, { recursive: true });

  const database = await throwawayDatabase({ server: process.env.DATABASE_URL, prefix: "byok_bench", pglite: "folder" });
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
      console.log(`profiling GET ${READS[read]} on ${database.label}: ${seconds} s × ${SETTINGS.connections} connections`);
      const run = await load(read, { url: `${app.url}${READS[read]}`, duration: seconds, requests });
      console.log(`${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, errors ${run.errors}`);
    }
    await app.stop();
  } finally {
    await fake.close();
    await database.drop();
  }
  // Node writes one profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 the server's.
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort();
  if (files.length === 0) throw new Error(`no profile was written to ${dir}`);
  for (const file of files) {
    const thread = file.split(".").at(-3) === "0" ? "the server's thread" : `worker thread ${file.split(".").at(-3)}`;
    console.log(`\n${join(dir, file)} (${thread}) — self time, idle excluded (warm-up and seeding included):`);
    for (const line of topFrames(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, thread.startsWith("worker") ? 8 : 25)) console.log(line);
  }
}

await main();
