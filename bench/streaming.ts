import { loadavg } from "node:os";
import type { FakeProviders } from "@/dev/fake-providers/server";
import { median } from "./report";

/**
 * Streaming through the app (POST /api/chat) against streaming straight from the fake provider, for the same
 * answer: `streams` streams in flight at all times (each client starts its next stream when one ends; their first
 * starts spread over one answer's length), the fake sending `chunks` text chunks `intervalMs` apart. Time to
 * first token is measured from the request's start to the first byte holding text; the app's added time is the
 * difference of the two distributions (p50, p99), rounds interleaved so machine noise falls on both. A burst of
 * 20 simultaneous starts is measured too: there the last request waits for the 19 before it.
 * "Not buffered": every stream through the app must receive its text spread over time as the fake sends it (its
 * first and last text at least 80 % of the fake's own spread apart, in many separate network reads).
 */
export const STREAMING = {
  streams: Number(process.env.BENCH_STREAMS ?? 20),
  chunks: 100,
  intervalMs: 10,
  rounds: Number(process.env.BENCH_STREAM_ROUNDS ?? 5),
  /** Each round's length per side, in seconds. */
  roundSeconds: Number(process.env.BENCH_STREAM_SECONDS ?? 5),
};

interface StreamTiming {
  /** ms from the request to the first byte that holds text. */
  firstToken: number;
  /** ms from the first text to the last. */
  spread: number;
  /** How many network reads brought text. */
  reads: number;
  ok: boolean;
  /** The app's own account of its time (its Server-Timing header: `db`, `provider`), in ms. */
  serverTiming?: Record<string, number>;
}

export interface StreamingResult {
  settings: typeof STREAMING;
  samples: number;
  firstTokenMs: { app: { p50: number; p99: number }; direct: { p50: number; p99: number } };
  addedMs: { p50: number; p99: number };
  /** Through the app, as it accounted for its time (Server-Timing): the statement before the provider, and the
   * provider until its first output; p50 and p99 over the streams through the app. */
  serverTimingMs: Record<string, { p50: number; p99: number }>;
  /** 20 streams started at the same instant, through the app and direct. */
  burst: { app: { p50: number; p99: number }; direct: { p50: number; p99: number } };
  /** Per stream through the app: its text spread over its direct counterpart's median spread; the worst. */
  worstSpreadRatio: number;
  /** The fewest network reads that brought text, over every stream through the app. */
  fewestReads: number;
  unbuffered: boolean;
  failed: number;
  load: number;
}

async function timeStream(url: string, init: RequestInit, isText: (chunk: string) => boolean): Promise<StreamTiming> {
  const started = performance.now();
  const response = await fetch(url, init);
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { firstToken: Number.NaN, spread: 0, reads: 0, ok: false };
  }
  const serverTiming = parseServerTiming(response.headers.get("server-timing"));
  const decoder = new TextDecoder();
  let first: number | undefined;
  let last = 0;
  let reads = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now();
    if (isText(decoder.decode(value, { stream: true }))) {
      first ??= now;
      last = now;
      reads++;
    }
  }
  if (first === undefined) return { firstToken: Number.NaN, spread: 0, reads: 0, ok: false };
  return { firstToken: first - started, spread: last - first, reads, ok: true, serverTiming };
}

/** `db;dur=1.2, provider;dur=3.4` → { db: 1.2, provider: 3.4 }; undefined without the header. */
function parseServerTiming(header: string | null): Record<string, number> | undefined {
  if (!header) return undefined;
  return Object.fromEntries(
    header.split(",").flatMap((metric) => {
      const [name, ...params] = metric.trim().split(";");
      const dur = params.find((p) => p.startsWith("dur="));
      return name && dur ? [[name, Number(dur.slice(4))]] : [];
    }),
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function measureStreaming(
  appUrl: string,
  fake: FakeProviders,
  target: { cookie: string; providerId: string; apiKey: string },
  progress: (text: string) => void,
): Promise<StreamingResult> {
  const { streams, chunks, intervalMs, rounds } = STREAMING;
  const previous = fake.chat;
  fake.chat = { chunks, intervalMs };
  const messages = [{ role: "user", content: "Say hello" }];
  const app = () =>
    timeStream(
      `${appUrl}/api/chat`,
      {
        method: "POST",
        headers: { "content-type": "application/json", cookie: target.cookie, origin: appUrl },
        body: JSON.stringify({ providerId: target.providerId, model: "gpt-4o-mini", messages }),
      },
      (text) => text.includes('"type":"text-delta"'),
    );
  const direct = () =>
    timeStream(
      `${fake.baseURL("openai")}/chat/completions`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${target.apiKey}` },
        body: JSON.stringify({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } }),
      },
      (text) => /"delta":\{"content":"[^"]/.test(text),
    );
  const batch = (one: () => Promise<StreamTiming>) => Promise.all(Array.from({ length: streams }, one));
  /** `streams` clients, each starting its next stream when one ends, for `roundSeconds`. */
  const sustained = async (one: () => Promise<StreamTiming>) => {
    const until = performance.now() + STREAMING.roundSeconds * 1000;
    const stagger = (chunks * intervalMs) / streams;
    const timings: StreamTiming[] = [];
    await Promise.all(
      Array.from({ length: streams }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * stagger));
        while (performance.now() < until) timings.push(await one());
      }),
    );
    return timings;
  };

  const viaApp: StreamTiming[] = [];
  const straight: StreamTiming[] = [];
  let burst: { app: StreamTiming[]; direct: StreamTiming[] };
  try {
    progress(`streaming: warming up, then a burst of ${streams} simultaneous starts each way`);
    await batch(app);
    await batch(direct);
    burst = { direct: await batch(direct), app: await batch(app) };
    for (let round = 1; round <= rounds; round++) {
      progress(`streaming round ${round}/${rounds}: ${streams} streams in flight for ${STREAMING.roundSeconds} s, ${chunks} chunks ${intervalMs} ms apart, direct then via the app`);
      straight.push(...(await sustained(direct)));
      viaApp.push(...(await sustained(app)));
    }
  } finally {
    fake.chat = previous;
  }

  const good = (list: StreamTiming[]) => list.filter((t) => t.ok);
  const appFirst = good(viaApp).map((t) => t.firstToken);
  const directFirst = good(straight).map((t) => t.firstToken);
  const directSpread = median(good(straight).map((t) => t.spread));
  const worstSpreadRatio = Math.min(...good(viaApp).map((t) => t.spread / directSpread));
  const fewestReads = Math.min(...good(viaApp).map((t) => t.reads));
  const stats = (values: number[]) => ({ p50: round1(percentile(values, 50)), p99: round1(percentile(values, 99)) });
  const a = stats(appFirst);
  const d = stats(directFirst);
  return {
    settings: STREAMING,
    samples: appFirst.length,
    firstTokenMs: { app: a, direct: d },
    addedMs: { p50: round1(a.p50 - d.p50), p99: round1(a.p99 - d.p99) },
    serverTimingMs: Object.fromEntries(
      ["db", "provider"].flatMap((name) => {
        const values = good(viaApp).flatMap((t) => (t.serverTiming?.[name] === undefined ? [] : [t.serverTiming[name]]));
        return values.length > 0 ? [[name, stats(values)]] : [];
      }),
    ),
    burst: { app: stats(good(burst.app).map((t) => t.firstToken)), direct: stats(good(burst.direct).map((t) => t.firstToken)) },
    worstSpreadRatio: Math.round(worstSpreadRatio * 100) / 100,
    fewestReads,
    // Buffered answers arrive in a few reads at the end; these must arrive as sent.
    unbuffered: worstSpreadRatio >= 0.8 && fewestReads >= chunks / 2,
    failed: viaApp.length - good(viaApp).length + straight.length - good(straight).length,
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** The table on stdout. */
export function printStreaming(result: StreamingResult) {
  const { streams, chunks, intervalMs, rounds, roundSeconds } = result.settings;
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(
    `\nStreaming — ${streams} streams in flight, ${rounds} rounds of ${roundSeconds} s each way, ${chunks} chunks ${intervalMs} ms apart; ${result.samples} streams through the app (load ${result.load})`,
  );
  console.log(`${"time to first token (ms)".padEnd(30)}${pad("p50", 8)}${pad("p99", 8)}`);
  console.log(`${"  direct to the fake".padEnd(30)}${pad(result.firstTokenMs.direct.p50, 8)}${pad(result.firstTokenMs.direct.p99, 8)}`);
  console.log(`${"  through the app".padEnd(30)}${pad(result.firstTokenMs.app.p50, 8)}${pad(result.firstTokenMs.app.p99, 8)}`);
  console.log(`${"  added by the app".padEnd(30)}${pad(result.addedMs.p50, 8)}${pad(result.addedMs.p99, 8)}`);
  for (const [name, what] of [["db", "of which: database"], ["provider", "of which: provider → first output"]] as const) {
    const t = result.serverTimingMs[name];
    if (t) console.log(`${`    ${what}`.padEnd(30)}${pad(t.p50, 8)}${pad(t.p99, 8)}`);
  }
  console.log(`${`  burst of ${streams}, direct`.padEnd(30)}${pad(result.burst.direct.p50, 8)}${pad(result.burst.direct.p99, 8)}`);
  console.log(`${`  burst of ${streams}, the app`.padEnd(30)}${pad(result.burst.app.p50, 8)}${pad(result.burst.app.p99, 8)}`);
  console.log(
    `not buffered: ${result.unbuffered ? "yes" : "NO"} (worst stream's text spread ${result.worstSpreadRatio} × the fake's; at least ${result.fewestReads} separate reads of ${chunks} chunks); failed streams: ${result.failed}`,
  );
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(`targets: added p50 ≤ 5 ms: ${met(result.addedMs.p50 <= 5)}; added p99 ≤ 20 ms: ${met(result.addedMs.p99 <= 20)}; never buffered: ${met(result.unbuffered)}`);
}
