import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { Agent, request } from "undici";
import { type AppServer, freePort, signInOverHttp, startApp } from "@/dev/app-server";
import { throwawayDatabase } from "@/dev/throwaway-database";
import { hashPassword } from "@/lib/auth/password";
import { closeDb } from "@/lib/db/client";
import { listProviders } from "@/lib/db/providers";
import { createUser } from "@/lib/db/users";
import { createToken } from "@/lib/gateway/tokens";
import { storeApiKey } from "@/lib/keys/vault";
import { median } from "./report";
import { BENCH_PASSWORD } from "./seed";
import { KEYRING } from "./settings";

/**
 * The gateway section of `npm run bench` (BENCH_ONLY=gateway runs it alone): the same OpenAI-compatible answers
 * (a fake provider in a process of its own, scripts/fake-providers.ts) asked for (a) directly, (b) through this
 * app's /api/v1 with a personal access token (a user, their stored OpenAI key, a token: written into a fresh
 * database before `next start` starts on the production build), (c) through Portkey's open-source gateway
 * (`@portkey-ai/gateway`, started here with `x-portkey-provider: openai` and `x-portkey-custom-host` pointing at
 * the fake), and, when the build has them (BENCH_FLOOR_ROUTES=1 next build), (d) through a Next.js route that
 * passes the request on and does nothing else — the framework's own floor.
 *
 * Rows: small non-streamed answers with 50 requests in flight (added latency p50/p99 over direct, requests per
 * second); 20 streams in flight of 100 chunks 10 ms apart (added time to first token p50/p99, and every stream's
 * text spread out as the fake sent it); one request at a time (added p50). Then the playground's row: POST
 * /api/chat against a Next.js + AI SDK route that does nothing else (the bench build's /api/bench-floor/chat),
 * 20 streams in flight. Each row runs in rounds, every other round in the reverse order; what a side adds is the
 * median over rounds of (its percentile − direct's percentile in the same round), so a busy spell of the shared
 * machine, longer than a round, falls on both; the spread of those per-round differences is printed as the noise.
 */
export const GATEWAY_BENCH = {
  rounds: Number(process.env.BENCH_GATEWAY_ROUNDS ?? 5),
  /** Each side's length per round, in seconds. */
  roundSeconds: Number(process.env.BENCH_GATEWAY_SECONDS ?? 4),
  concurrent: 50,
  streams: 20,
  chunks: 100,
  intervalMs: 10,
};

/** The fake's key (its behaviour word "valid"), the one stored for the bench's user and sent directly. */
export const FAKE_KEY = "sk-test-valid-gateway-bench-0000000000";
const MODEL = "gpt-4o-mini";
const MESSAGES = [{ role: "user", content: "Say hello" }];

type Side = "direct" | "gateway" | "portkey" | "floor";
const SIDE_NAMES: Record<Side, string> = {
  direct: "direct",
  gateway: "this gateway",
  portkey: "Portkey",
  floor: "Next.js pass-through",
};
type ChatSide = "chat-floor" | "chat";
type Row = "small" | "streams" | "serial";

interface Sample {
  ms: number;
  ok: boolean;
  /** Streams: ms from the first text to the last, and how many network reads brought text. */
  spread?: number;
  reads?: number;
}

/** One side in one round. */
interface RoundStat {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  samples: number;
  failed: number;
}

export interface SideResult {
  /** Over every round's samples. */
  p50: number;
  p99: number;
  /** Median over rounds. */
  requestsPerSecond: number;
  /** Over the baseline (direct, or the playground's floor): median over rounds of the per-round difference. */
  added: { p50: number; p99: number };
  /** The lowest and highest per-round difference of p50 (the noise). */
  addedP50Range: [number, number];
  samples: number;
  failed: number;
  /** Streams: the worst stream's text spread over the baseline's median spread, and the fewest reads that brought text. */
  worstSpreadRatio?: number;
  fewestReads?: number;
  unbuffered?: boolean;
  rounds: RoundStat[];
}

export interface GatewayBenchResult {
  date: string;
  machine: { cpus: number; model: string | undefined; node: string };
  database: string;
  settings: typeof GATEWAY_BENCH;
  rows: Record<Row, Partial<Record<Side, SideResult>>>;
  /** POST /api/chat over the Next.js + AI SDK floor route; absent when the build has no floor routes. */
  playground?: Partial<Record<ChatSide, SideResult>>;
  targets: [string, boolean][];
  load: number;
}

const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

/** A whole answer: ms from the request to its last byte. */
export async function whole(url: string, headers: Record<string, string>, body: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await request(url, { method: "POST", headers, body, dispatcher });
    await response.body.text();
    return { ms: performance.now() - started, ok: response.statusCode === 200 };
  } catch {
    return { ms: Number.NaN, ok: false };
  }
}

/** A streamed answer: ms from the request to the first network read holding text; the text's spread and reads. */
async function streamed(
  url: string,
  headers: Record<string, string>,
  body: string,
  isText: (text: string) => boolean,
): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await request(url, { method: "POST", headers, body, dispatcher });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { ms: Number.NaN, ok: false };
    }
    const decoder = new TextDecoder();
    let first: number | undefined;
    let last = 0;
    let reads = 0;
    for await (const chunk of response.body) {
      const now = performance.now();
      if (isText(decoder.decode(chunk as Buffer, { stream: true }))) {
        first ??= now;
        last = now;
        reads++;
      }
    }
    if (first === undefined) return { ms: Number.NaN, ok: false };
    return { ms: first - started, ok: true, spread: last - first, reads };
  } catch {
    return { ms: Number.NaN, ok: false };
  }
}

/** `workers` clients, each asking again when its answer is complete, for `seconds`; the first starts staggered. */
export async function closedLoop(
  workers: number,
  seconds: number,
  call: () => Promise<Sample>,
  staggerMs = 0,
): Promise<{ samples: Sample[]; seconds: number }> {
  const started = performance.now();
  const until = started + seconds * 1000;
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      if (staggerMs) await sleep(i * staggerMs);
      while (performance.now() < until) samples.push(await call());
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

function roundStat({ samples, seconds }: { samples: Sample[]; seconds: number }): RoundStat {
  const ok = samples.filter((s) => s.ok).map((s) => s.ms);
  return {
    p50: round2(percentile(ok, 50)),
    p99: round2(percentile(ok, 99)),
    requestsPerSecond: Math.round(ok.length / seconds),
    samples: ok.length,
    failed: samples.length - ok.length,
  };
}

/** A child process started with `args`, ready once its output matches `ready`. */
export async function startChild(
  args: string[],
  ready: RegExp,
  env: Record<string, string> = {},
): Promise<ChildProcess & { output: string[] }> {
  const child = Object.assign(
    spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }),
    { output: [] as string[] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(" ")} did not start:\n${child.output.join("")}`)),
      60_000,
    );
    const seen = (chunk: Buffer) => {
      child.output.push(chunk.toString());
      if (ready.test(child.output.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code}):\n${child.output.join("")}`));
    });
  });
  return child;
}

export const stopChild = async (child: ChildProcess | undefined) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
};

/** The bench's user, their OpenAI key and an access token, written before the app starts (PGlite: one process per folder). */
export async function seedGatewayUser(env: Record<string, string>) {
  Object.assign(process.env, env);
  const providers = await listProviders("");
  const openai = providers.find((p) => p.registryId === "openai")!;
  const user = await createUser({
    email: `gw.${randomUUID().slice(0, 6)}@bench.test`,
    passwordHash: await hashPassword(BENCH_PASSWORD),
  });
  await storeApiKey(user.id, openai.id, FAKE_KEY, { health: "ok", message: "Verified." });
  const { token } = await createToken(user.id, { name: "bench" });
  await closeDb();
  return { email: user.email, token, providerId: openai.id };
}

const isOpenAiText = (text: string) => /"delta":\{[^}]*"content":"[^"]/.test(text);
const isUiText = (text: string) => text.includes('"type":"text-delta"');

/** The gateway section against the database `server` names (PGlite without one); its result, printed and written. */
export async function benchGateway(
  server: string | undefined,
  progress: (text: string) => void,
): Promise<GatewayBenchResult> {
  const { rounds, roundSeconds, concurrent, streams, chunks, intervalMs } = GATEWAY_BENCH;
  const base = Number(process.env.BENCH_PORT_BASE ?? 0);
  const port = async (offset: number) => (base ? base + offset : freePort());
  const [fakePort, portkeyPort, appPort] = [await port(1), await port(2), await port(3)];
  const fakeUrl = `http://127.0.0.1:${fakePort}`;
  const fakeOpenAi = `${fakeUrl}/openai/v1`;

  const database = await throwawayDatabase({ server, prefix: "byok_bench_gw", pglite: "folder" });
  const secret = randomBytes(32).toString("base64");
  progress(`gateway: seeding a user, their OpenAI key and an access token into ${database.label}`);
  const seeded = await seedGatewayUser({ ...database.env, API_KEY_ENCRYPTION_KEYS: KEYRING, NEXTAUTH_SECRET: secret });

  let fake: (ChildProcess & { output: string[] }) | undefined;
  let portkey: (ChildProcess & { output: string[] }) | undefined;
  let app: AppServer | undefined;
  try {
    progress(
      `gateway: starting the fake provider (:${fakePort}), Portkey's gateway (:${portkeyPort}) and next start (:${appPort})`,
    );
    fake = await startChild(["--import", "tsx", "scripts/fake-providers.ts"], /listening on/, {
      FAKE_PROVIDERS_PORT: String(fakePort),
    });
    portkey = await startChild(
      [
        "--import",
        "./bench/portkey-fetch.mjs",
        "node_modules/@portkey-ai/gateway/build/start-server.js",
        `--port=${portkeyPort}`,
        "--headless",
      ],
      /Ready for connections/,
    );
    app = await startApp({
      port: appPort,
      env: {
        ...database.env,
        API_KEY_ENCRYPTION_KEYS: KEYRING,
        NEXTAUTH_SECRET: secret,
        RATE_LIMIT_GATEWAY_PER_MINUTE: "1000000000",
        RATE_LIMIT_CHATS_PER_MINUTE: "1000000000",
        PROVIDER_BASE_URL_OPENAI: fakeOpenAi,
      },
    });
    const cookie = await signInOverHttp(app.url, seeded.email, BENCH_PASSWORD, false);
    const pace = async (n: number, ms: number) => {
      const answer = await request(`${fakeUrl}/__control/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chunks: n, intervalMs: ms }),
        dispatcher,
      });
      await answer.body.dump();
    };

    const json = { "content-type": "application/json" };
    const bodyOf = (model: string, stream: boolean) =>
      JSON.stringify({ model, messages: MESSAGES, ...(stream ? { stream: true } : {}) });
    const targets: Record<Side, { url: string; headers: Record<string, string>; model: string }> = {
      direct: {
        url: `${fakeOpenAi}/chat/completions`,
        headers: { ...json, authorization: `Bearer ${FAKE_KEY}` },
        model: MODEL,
      },
      gateway: {
        url: `${app.url}/api/v1/chat/completions`,
        headers: { ...json, authorization: `Bearer ${seeded.token}` },
        model: `openai/${MODEL}`,
      },
      portkey: {
        url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
        headers: {
          ...json,
          authorization: `Bearer ${FAKE_KEY}`,
          "x-portkey-provider": "openai",
          "x-portkey-custom-host": fakeOpenAi,
        },
        model: MODEL,
      },
      floor: {
        url: `${app.url}/api/bench-floor/v1/chat/completions`,
        headers: { ...json, authorization: `Bearer ${FAKE_KEY}` },
        model: MODEL,
      },
    };
    await pace(5, 0);
    const floorBuilt = (await whole(targets.floor.url, targets.floor.headers, bodyOf(MODEL, false))).ok;
    const sides: Side[] = floorBuilt ? ["direct", "gateway", "portkey", "floor"] : ["direct", "gateway", "portkey"];
    for (const side of sides) {
      const check = await whole(targets[side].url, targets[side].headers, bodyOf(targets[side].model, false));
      if (!check.ok) throw new Error(`gateway bench: ${side} does not answer`);
    }

    const callOf = (row: Row, side: Side) => {
      const { url, headers, model } = targets[side];
      const body = bodyOf(model, row === "streams");
      return row === "streams" ? () => streamed(url, headers, body, isOpenAiText) : () => whole(url, headers, body);
    };
    const workersOf: Record<Row, number> = { small: concurrent, streams, serial: 1 };
    const labels: Record<Row, string> = {
      small: `small answers, ${concurrent} in flight`,
      streams: `${streams} streams in flight, ${chunks} chunks ${intervalMs} ms apart`,
      serial: "one request at a time",
    };

    /** Rounds of each side in turn (every other round reversed); per side, per round, the samples. */
    async function rowRounds<S extends string>(
      label: string,
      names: S[],
      workers: number,
      calls: Record<S, () => Promise<Sample>>,
      stagger: number,
    ) {
      const perSide = Object.fromEntries(
        names.map((n) => [n, [] as { samples: Sample[]; seconds: number }[]]),
      ) as Record<S, { samples: Sample[]; seconds: number }[]>;
      progress(`gateway: ${label}: warming up ${names.join(", ")}`);
      for (const name of names) await closedLoop(workers, Math.min(2, roundSeconds), calls[name], stagger);
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 ? names : [...names].reverse();
        progress(`gateway: ${label}: round ${round}/${rounds} (${order.join(", ")})`);
        for (const name of order) perSide[name].push(await closedLoop(workers, roundSeconds, calls[name], stagger));
      }
      return perSide;
    }

    const rows = {} as GatewayBenchResult["rows"];
    for (const row of ["small", "streams", "serial"] as Row[]) {
      const streamingRow = row === "streams";
      await pace(streamingRow ? chunks : 5, streamingRow ? intervalMs : 0);
      const calls = Object.fromEntries(sides.map((side) => [side, callOf(row, side)])) as Record<
        Side,
        () => Promise<Sample>
      >;
      const perSide = await rowRounds(
        labels[row],
        sides,
        workersOf[row],
        calls,
        streamingRow ? (chunks * intervalMs) / streams : 0,
      );
      rows[row] = summarize(perSide, "direct", streamingRow ? chunks : undefined);
    }

    let playground: GatewayBenchResult["playground"];
    if (floorBuilt) {
      await pace(chunks, intervalMs);
      const chatBody = JSON.stringify({ providerId: seeded.providerId, model: MODEL, messages: MESSAGES });
      const calls: Record<ChatSide, () => Promise<Sample>> = {
        "chat-floor": () =>
          streamed(
            `${app!.url}/api/bench-floor/chat`,
            { ...json, "x-bench-key": FAKE_KEY },
            JSON.stringify({ model: MODEL, messages: MESSAGES }),
            isUiText,
          ),
        chat: () => streamed(`${app!.url}/api/chat`, { ...json, cookie, origin: app!.url }, chatBody, isUiText),
      };
      const perSide = await rowRounds(
        `the playground: POST /api/chat over a Next.js + AI SDK route, ${streams} streams in flight`,
        ["chat-floor", "chat"],
        streams,
        calls,
        (chunks * intervalMs) / streams,
      );
      playground = summarize(perSide, "chat-floor", chunks);
    }

    const result: GatewayBenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      database: database.label,
      settings: GATEWAY_BENCH,
      rows,
      ...(playground ? { playground } : {}),
      targets: [],
      load: Math.round(loadavg()[0]! * 100) / 100,
    };
    result.targets = gatewayTargets(result);
    return result;
  } finally {
    await app?.stop();
    await stopChild(portkey);
    await stopChild(fake);
    await database.drop();
  }
}

/** Each side against `baseline`, round by round. */
function summarize<S extends string>(
  perSide: Record<S, { samples: Sample[]; seconds: number }[]>,
  baseline: S,
  chunks?: number,
): Partial<Record<S, SideResult>> {
  const names = Object.keys(perSide) as S[];
  const stats = Object.fromEntries(names.map((n) => [n, perSide[n].map(roundStat)])) as Record<S, RoundStat[]>;
  const good = (n: S) => perSide[n].flatMap((r) => r.samples.filter((s) => s.ok));
  const baseSpread = median(good(baseline).map((s) => s.spread ?? 0));
  return Object.fromEntries(
    names.map((n) => {
      const ok = good(n);
      const diffs = (p: "p50" | "p99") => stats[n].map((r, i) => r[p] - stats[baseline][i]![p]);
      const worstSpreadRatio = chunks ? Math.min(...ok.map((s) => (s.spread ?? 0) / baseSpread)) : undefined;
      const fewestReads = chunks ? Math.min(...ok.map((s) => s.reads ?? 0)) : undefined;
      const side: SideResult = {
        p50: round2(
          percentile(
            ok.map((s) => s.ms),
            50,
          ),
        ),
        p99: round2(
          percentile(
            ok.map((s) => s.ms),
            99,
          ),
        ),
        requestsPerSecond: median(stats[n].map((r) => r.requestsPerSecond)),
        added: { p50: round2(median(diffs("p50"))), p99: round2(median(diffs("p99"))) },
        addedP50Range: [round2(Math.min(...diffs("p50"))), round2(Math.max(...diffs("p50")))],
        samples: ok.length,
        failed: stats[n].reduce((sum, r) => sum + r.failed, 0),
        ...(chunks
          ? {
              worstSpreadRatio: round2(worstSpreadRatio!),
              fewestReads,
              unbuffered: worstSpreadRatio! >= 0.8 && fewestReads! >= chunks / 2,
            }
          : {}),
        rounds: stats[n],
      };
      return [n, side];
    }),
  ) as Partial<Record<S, SideResult>>;
}

function gatewayTargets(result: GatewayBenchResult): [string, boolean][] {
  const { small, streams, serial } = result.rows;
  const g = (row: Partial<Record<Side, SideResult>>) => row.gateway!;
  const p = (row: Partial<Record<Side, SideResult>>) => row.portkey!;
  const targets: [string, boolean][] = [];
  for (const [name, row] of [
    ["small", small],
    ["streams", streams],
    ["one at a time", serial],
  ] as const) {
    targets.push([`${name}: added p50 ≤ Portkey's`, g(row).added.p50 <= p(row).added.p50]);
    if (row !== serial) targets.push([`${name}: added p99 ≤ Portkey's`, g(row).added.p99 <= p(row).added.p99]);
  }
  targets.push(["small: req/s ≥ Portkey's", g(small).requestsPerSecond >= p(small).requestsPerSecond]);
  targets.push(["streams: never buffered", g(streams).unbuffered === true]);
  targets.push(["one at a time: added p50 ≤ 1.5 ms", g(serial).added.p50 <= 1.5]);
  targets.push([
    "no failed requests",
    Object.values(result.rows).every((row) => Object.values(row).every((s) => s.failed === 0)),
  ]);
  const chat = result.playground?.chat;
  if (chat) {
    targets.push(["playground: chat adds ≤ 3 ms p50 over the AI SDK floor", chat.added.p50 <= 3]);
    targets.push(["playground: chat adds ≤ 10 ms p99 over the AI SDK floor", chat.added.p99 <= 10]);
  }
  return targets;
}

/** The table, side by side, as lines. */
export function gatewayReport(result: GatewayBenchResult): string[] {
  const { rounds, roundSeconds, concurrent, streams, chunks, intervalMs } = result.settings;
  const lines: string[] = [];
  const say = (line = "") => lines.push(line);
  const shown: Side[] = ["gateway", "portkey", "floor"].filter((s) => result.rows.small[s as Side]) as Side[];
  const cell = (value: string | number | undefined, width = 16) => String(value ?? "–").padStart(width);
  const row = (label: string, values: (string | number | undefined)[]) =>
    say(`${label.padEnd(46)}${values.map((v) => cell(v)).join("")}`);
  const range = (s: SideResult) => `${s.addedP50Range[0]}…${s.addedP50Range[1]}`;

  say(
    `Gateway — ${result.database}; ${rounds} rounds × ${roundSeconds} s per side, alternating order; node ${result.machine.node}, ${result.machine.cpus} cores (load ${result.load})`,
  );
  say(
    "Added = median over rounds of (side's percentile − direct's in the same round); range = lowest…highest per-round added p50 (noise).",
  );
  row(
    "",
    shown.map((s) => SIDE_NAMES[s]),
  );
  for (const [key, label] of [
    ["small", `small answers, ${concurrent} in flight`],
    ["streams", `${streams} streams, ${chunks} chunks ${intervalMs} ms apart (TTFT)`],
    ["serial", "one request at a time"],
  ] as [Row, string][]) {
    const r = result.rows[key];
    say(`${label}   (direct: p50 ${r.direct!.p50} ms, p99 ${r.direct!.p99} ms, ${r.direct!.requestsPerSecond} req/s)`);
    row(
      "  added p50 (ms)",
      shown.map((s) => r[s]!.added.p50),
    );
    if (key !== "serial")
      row(
        "  added p99 (ms)",
        shown.map((s) => r[s]!.added.p99),
      );
    row(
      "  added p50, per-round range (ms)",
      shown.map((s) => range(r[s]!)),
    );
    row(
      "  requests per second (median of rounds)",
      shown.map((s) => r[s]!.requestsPerSecond),
    );
    if (key === "streams")
      row(
        "  not buffered (worst spread × direct, reads)",
        shown.map((s) => `${r[s]!.unbuffered ? "yes" : "NO"} ${r[s]!.worstSpreadRatio}× ${r[s]!.fewestReads}`),
      );
    row(
      "  samples (failed)",
      shown.map((s) => `${r[s]!.samples} (${r[s]!.failed})`),
    );
  }
  const pg = result.playground;
  if (pg?.chat && pg["chat-floor"]) {
    say(
      `the playground, ${streams} streams: POST /api/chat TTFT p50 ${pg.chat.p50} / p99 ${pg.chat.p99} ms; the Next.js + AI SDK floor route ${pg["chat-floor"].p50} / ${pg["chat-floor"].p99} ms; added ${pg.chat.added.p50} ms p50 (rounds ${range(pg.chat)}), ${pg.chat.added.p99} ms p99; not buffered: ${pg.chat.unbuffered ? "yes" : "NO"}`,
    );
  } else {
    say("the playground's floor: this build has no floor routes (build with BENCH_FLOOR_ROUTES=1 next build)");
  }
  say(`targets: ${result.targets.map(([name, met]) => `${name}: ${met ? "met" : "MISSED"}`).join("; ")}`);
  return lines;
}

/** bench/results/<date>-gateway-<database>.json and .txt (the printed table); returns the .txt's path. */
export function writeGatewayResult(result: GatewayBenchResult, lines: string[]): string {
  mkdirSync("bench/results", { recursive: true });
  const kind = result.database.startsWith("PostgreSQL") ? "postgres" : "pglite";
  const stem = `bench/results/${result.date.slice(0, 16).replace(/[:T]/g, "-")}-gateway-${kind}`;
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.txt`, `${lines.join("\n")}\n`);
  return `${stem}.txt`;
}
