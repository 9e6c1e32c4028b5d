/**
 * npm run bench — what the product promises about speed, measured beside its floor.
 *
 * Starts `next start` on the existing production build (it builds nothing) against PostgreSQL when
 * DATABASE_URL is set (in a fresh database on that server, dropped afterwards), else a PGlite folder, seeds users
 * with keys, and loads it with autocannon. Floor and list runs are interleaved so machine noise cancels in their
 * ratio. Then, in this process: SQL statements per operation, decryptions per listing, list latency at 1k and
 * 1M rows; and the JavaScript the settings page makes the browser load. Prints a table; writes
 * bench/results/<date>.json.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { type AppServer, signInOverHttp, startApp } from "@/dev/app-server";
import { startFakeProviders } from "@/dev/fake-providers/server";
import { countDecryptions, countStatements } from "@/dev/counters";
import { throwawayDatabase } from "@/dev/throwaway-database";

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 20);
const LARGE = Number(process.env.BENCH_LARGE_ROWS ?? 1_000_000);
const KEYRING = `bench:${randomBytes(32).toString("base64")}`;
const PASSWORD = "bench-password-1";

let step = 0;
const TOTAL_STEPS = 6 + ROUNDS * 2;
function progress(text: string) {
  step++;
  const line = `[${String(step).padStart(2)}/${TOTAL_STEPS}] ${text}`;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
}

interface Run {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** Answers by HTTP status, and transport errors/timeouts, when anything was not 2xx. */
  failures?: Record<string, number>;
}

async function load(name: string, options: autocannon.Options): Promise<Run> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  const failures: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith("2")) failures[code] = (stat as { count: number }).count;
  }
  if (result.errors) failures.errors = result.errors;
  if (result.timeouts) failures.timeouts = result.timeouts;
  return {
    ...(Object.keys(failures).length ? { failures } : {}),
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main() {
  if (!existsSync(".next/BUILD_ID")) {
    console.error("No production build: run `npm run build` first (the benchmark builds nothing itself).");
    process.exit(1);
  }
  const serverUrl = process.env.DATABASE_URL;
  const database = await throwawayDatabase({ server: serverUrl, prefix: "byok_bench", pglite: "folder" });

  progress(`starting the fake providers and next start on ${database.label}`);
  const fake = await startFakeProviders();
  let app: AppServer | undefined;
  try {
    app = await startApp({
      env: {
        ...database.env,
        API_KEY_ENCRYPTION_KEYS: KEYRING,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
        RATE_LIMIT_VALIDATIONS_PER_MINUTE: "1000000000",
        RATE_LIMIT_SIGNUPS_PER_HOUR: "1000000000",
        ...fake.env,
      },
    });
    const base = app.url;

    progress(`seeding ${USERS} users with 4 keys each`);
    const providers = (await (await fetch(`${base}/api/providers`, { headers: { cookie: await signInOverHttp(base, `probe.${randomUUID()}@bench.test`, PASSWORD) } })).json()) as { id: string }[];
    const cookies: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const cookie = await signInOverHttp(base, `u${i}.${randomUUID().slice(0, 6)}@bench.test`, PASSWORD);
      cookies.push(cookie);
      for (const provider of providers.slice(0, 4)) {
        const saved = await fetch(`${base}/api/user/api-keys`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json" },
          body: JSON.stringify({ providerId: provider.id, apiKey: `sk-test-valid-${randomUUID()}`, skipValidation: true }),
        });
        if (saved.status !== 200) throw new Error(`seeding failed: ${saved.status} ${await saved.text()}`);
      }
    }
    let turn = 0;
    const rotate = (extra: Record<string, string> = {}) => ({
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        headers: { ...request.headers, ...extra, cookie: cookies[turn++ % cookies.length]! },
      }),
    });

    const floors: Run[] = [];
    const lists: Run[] = [];
    // Both paths warm (JIT, connection pool) before anything is measured.
    await load("warm-up", { url: `${base}/api/auth/session`, duration: 3, requests: [rotate()] });
    await load("warm-up", { url: `${base}/api/user/api-keys`, duration: 3, requests: [rotate()] });
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`round ${round}/${ROUNDS}: GET /api/auth/session (floor)`);
      floors.push(await load(`floor #${round}`, { url: `${base}/api/auth/session`, requests: [rotate()] }));
      progress(`round ${round}/${ROUNDS}: GET /api/user/api-keys (list)`);
      lists.push(await load(`list #${round}`, { url: `${base}/api/user/api-keys`, requests: [rotate()] }));
    }
    const json = { "content-type": "application/json" };
    progress("POST upsert with validation, PATCH toggle, re-add + DELETE");
    const upsert = await load("POST upsert (validated)", {
      url: `${base}/api/user/api-keys`,
      method: "POST",
      requests: [{ ...rotate(json), body: JSON.stringify({ providerId: providers[0]!.id, apiKey: "sk-test-valid-bench-key-000000000000" }) }],
    });
    let flip = false;
    const toggle = await load("PATCH toggle", {
      url: `${base}/api/user/api-keys`,
      method: "PATCH",
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, ...json, cookie: cookies[turn++ % cookies.length]! },
            body: JSON.stringify({ providerId: providers[1]!.id, isEnabled: (flip = !flip) }),
          }),
        },
      ],
    });
    // Each pass puts a key back (an upsert that skips the check), then deletes it. Passes walk through every
    // (user, provider) pair the other runs did not touch, so concurrent passes never share one and every
    // DELETE finds its key. (autocannon resets `context` on every pass, so a pass carries its pair there.)
    const pairs = cookies.flatMap((cookie) => providers.slice(2).map((p) => ({ cookie, providerId: p.id })));
    let next = 0;
    const deletion = await load("re-add + DELETE", {
      url: `${base}/api/user/api-keys`,
      requests: [
        {
          method: "POST",
          setupRequest: (r, context) => {
            const pair = ((context as { pair?: (typeof pairs)[number] }).pair = pairs[next++ % pairs.length]!);
            const body = { providerId: pair.providerId, apiKey: "sk-test-valid-readd-00000000000000", skipValidation: true };
            return { ...r, headers: { ...r.headers, ...json, cookie: pair.cookie }, body: JSON.stringify(body) };
          },
        },
        {
          method: "DELETE",
          setupRequest: (r, context) => {
            const { pair } = context as { pair: (typeof pairs)[number] };
            return { ...r, headers: { ...r.headers, ...json, cookie: pair.cookie }, body: JSON.stringify({ providerId: pair.providerId }) };
          },
        },
      ],
    });

    progress("settings page JavaScript in Chromium");
    const pageJs = await measurePageJs(base, cookies[0]!);

    await app.stop();
    app = undefined;

    progress("statements and decryptions per operation; list latency at 1k and 1M rows");
    // This process opens its own database: the same PostgreSQL database, or a fresh in-memory PGlite.
    const inProcessDatabase = serverUrl ? database : await throwawayDatabase({ prefix: "byok_bench", pglite: "memory" });
    const inProcess = await measureInProcess(inProcessDatabase.env);

    const ratio = median(lists.map((l, i) => l.requestsPerSecond / floors[i]!.requestsPerSecond));
    const p99Ratio = median(lists.map((l, i) => l.p99 / Math.max(floors[i]!.p99, 1)));
    const runs = [...floors, ...lists, upsert, toggle, deletion];
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      database: database.label,
      settings: { durationSeconds: DURATION, connections: CONNECTIONS, rounds: ROUNDS, users: USERS },
      runs,
      listOverFloor: { throughputRatioMedian: ratio, p99RatioMedian: p99Ratio },
      ...inProcess,
      settingsPageJs: pageJs,
    };
    printReport(result, runs);
    mkdirSync("bench/results", { recursive: true });
    const file = `bench/results/${result.date.slice(0, 16).replace(/[:T]/g, "-")}-${serverUrl ? "postgres" : "pglite"}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nWrote ${file}`);
  } finally {
    await app?.stop();
    await fake.close();
    await database.drop();
  }
}

async function measurePageJs(base: string, cookie: string) {
  if (!existsSync("/usr/bin/chromium")) return { skipped: "no /usr/bin/chromium" };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const scripts: Promise<{ url: string; transfer: number; gzip: number; raw: number }>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() !== "script") return;
      scripts.push(
        (async () => {
          const body = await response.body();
          const sizes = await response.request().sizes();
          return { url: new URL(response.url()).pathname, transfer: sizes.responseBodySize, gzip: gzipSync(body).length, raw: body.length };
        })(),
      );
    });
    await page.goto(`${base}/settings`, { waitUntil: "networkidle" });
    if (!(await page.getByRole("heading", { name: "Provider API Keys" }).isVisible())) throw new Error("settings page did not render");
    const files = await Promise.all(scripts);
    return {
      files: files.length,
      gzipBytes: files.reduce((n, f) => n + f.gzip, 0),
      transferBytes: files.reduce((n, f) => n + f.transfer, 0),
      rawBytes: files.reduce((n, f) => n + f.raw, 0),
      largest: files.sort((a, b) => b.gzip - a.gzip).slice(0, 5),
    };
  } finally {
    await browser.close();
  }
}

async function measureInProcess(env: Record<string, string>) {
  Object.assign(process.env, env, { API_KEY_ENCRYPTION_KEYS: KEYRING });
  const { getDb, closeDb, rowsOf } = await import("@/lib/db/client");
  const { listProviders } = await import("@/lib/db/providers");
  const { createUser } = await import("@/lib/db/users");
  const keysModule = await import("@/lib/db/user-api-keys");
  const { sql } = await import("drizzle-orm");
  const db = await getDb();
  const providers = await listProviders();
  const user = await createUser({ email: `inproc.${randomUUID()}@bench.test`, passwordHash: "x" });

  const count = async (work: () => Promise<unknown>) => (await countStatements(work)).count;
  await keysModule.setUserApiKey(user.id, providers[0]!.id, "sk-test-valid-0000000000000000");
  const statements = {
    list: await count(() => keysModule.getUserApiKeys(user.id)),
    upsert: await count(() => keysModule.setUserApiKey(user.id, providers[0]!.id, "sk-test-valid-1111111111111111")),
    toggle: await count(() => keysModule.setUserApiKeyEnabled(user.id, providers[0]!.id, false)),
    delete: await count(() => keysModule.deleteUserApiKey(user.id, providers[0]!.id)),
  };
  for (const p of providers.slice(0, 4)) await keysModule.setUserApiKey(user.id, p.id, `sk-test-valid-${randomUUID()}`);
  const decryptions = await countDecryptions(async () => {
    for (let i = 0; i < 100; i++) await keysModule.getUserApiKeys(user.id);
  });
  const decryptionsPerList = decryptions.count / 100;

  const latency = async () => {
    for (let i = 0; i < 50; i++) await keysModule.getUserApiKeys(user.id);
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const started = performance.now();
      await keysModule.getUserApiKeys(user.id);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[250]!, p99: samples[495]! };
  };
  const rowCount = async () => {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from "UserApiKey"`));
    return Number(row!.n);
  };
  const fill = async (rows: number) => {
    const users = Math.ceil(Math.max(0, rows - (await rowCount())) / providers.length);
    for (let done = 0; done < users; done += 10_000) {
      const batch = Math.min(10_000, users - done);
      await db.execute(sql`
        with u as (
          insert into "User" (email, "passwordHash")
          select 'filler.' || gen_random_uuid() || '@bench.test', 'x' from generate_series(1, ${batch})
          returning id
        )
        insert into "UserApiKey" ("userId", "providerId", "encryptedKey", "keyId", "keyHint")
        select u.id, p.id, 'v1.bench.' || md5(random()::text) || '.' || md5(random()::text) || '.AAAAAAAAAAAAAAAAAAAAAA', 'bench', 'sk-t********************abcd'
        from u cross join "ModelProvider" p`);
    }
    await db.execute(sql`analyze "UserApiKey"`);
  };
  await fill(1_000);
  const smallRows = await rowCount();
  const small = await latency();
  await fill(LARGE);
  const largeRows = await rowCount();
  const large = await latency();
  await closeDb();
  return {
    statementsPerOperation: statements,
    decryptionsPerList,
    listLatencyMs: { small: { rows: smallRows, ...small }, large: { rows: largeRows, ...large }, p50Ratio: large.p50 / small.p50, p99Ratio: large.p99 / small.p99 },
  };
}

function printReport(result: Record<string, unknown> & { listOverFloor: { throughputRatioMedian: number; p99RatioMedian: number } }, runs: Run[]) {
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(`\n\nBenchmark — ${result.database}, ${DURATION} s × ${CONNECTIONS} connections per run, ${ROUNDS} interleaved rounds`);
  console.log(`${"run".padEnd(26)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("errors", 8)}`);
  for (const run of runs) {
    const failures = run.failures ? `  ${JSON.stringify(run.failures)}` : "";
    console.log(`${run.name.padEnd(26)}${pad(run.requestsPerSecond.toFixed(0), 10)}${pad(run.p50, 9)}${pad(run.p99, 9)}${pad(run.errors, 8)}${failures}`);
  }
  const { throughputRatioMedian, p99RatioMedian } = result.listOverFloor;
  console.log(`\nlist / floor throughput (median of rounds): ${throughputRatioMedian.toFixed(2)}    list p99 / floor p99: ${p99RatioMedian.toFixed(2)}`);
  console.log(`SQL statements per operation: ${JSON.stringify(result.statementsPerOperation)}`);
  console.log(`keys decrypted per list request: ${result.decryptionsPerList}`);
  console.log(`list latency (data layer, ms): ${JSON.stringify(result.listLatencyMs, (_k, v) => (typeof v === "number" ? Math.round(v * 1000) / 1000 : v))}`);
  const js = result.settingsPageJs as { gzipBytes?: number; transferBytes?: number; files?: number };
  if (js.gzipBytes !== undefined) {
    console.log(`settings page JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} kB gzip in ${js.files} files (transferred: ${((js.transferBytes ?? 0) / 1024).toFixed(1)} kB)`);
  }
}

await main();
