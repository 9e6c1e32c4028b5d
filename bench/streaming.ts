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
 * Several apps can be measured in one run, side by side: `npm run bench` streams through the app with its keys
 * under the keyring (KEK_BACKEND=local) and through one with them under a SoftHSM2 token (pkcs11: bench/kek.ts).
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

/** One app's side of the run (the keyring's app, the token's app). */
export interface AppStreaming {
  /** What serves it, e.g. "local" (KEK_BACKEND=local) or "pkcs11" (the key-encryption key in a SoftHSM2 token). */
  name: string;
  samples: number;
  firstTokenMs: { p50: number; p99: number };
  /** Over streaming straight from the fake. */
  addedMs: { p50: number; p99: number };
  /** As the app accounted for its time (Server-Timing): the statement before the provider (its keys opened
   * with it), and the provider until its first output; p50 and p99. */
  serverTimingMs: Record<string, { p50: number; p99: number }>;
  /** 20 streams started at the same instant. */
  burst: { p50: number; p99: number };
  /** Per stream: its text spread over its direct counterpart's median spread; the worst. */
  worstSpreadRatio: number;
  /** The fewest network reads that brought text, over every stream. */
  fewestReads: number;
  unbuffered: boolean;
  failed: number;
}

export interface StreamingResult {
  settings: typeof STREAMING;
  direct: { firstTokenMs: { p50: number; p99: number }; burst: { p50: number; p99: number }; failed: number };
  /** Each app measured, in the order given; rounds interleaved with the direct ones. */
  apps: AppStreaming[];
  /**
   * What each app after the first adds over the first (e.g. pkcs11 over local), ms: the median over rounds of the
   * difference of the two apps' p50 (and p99) in that round, so that a busy moment of the machine, which lasts
   * longer than a round, falls on both.
   */
  overFirstMs: Record<string, { p50: number; p99: number }>;
  load: number;
}

/** An app to stream through: its address, a signed-in user's cookie and the provider their key is for. */
export interface StreamTarget {
  name: string;
  url: string;
  cookie: string;
  providerId: string;
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

const stats = (values: number[]) => ({ p50: round1(percentile(values, 50)), p99: round1(percentile(values, 99)) });
const good = (list: StreamTiming[]) => list.filter((t) => t.ok);

/** Streaming through each app in `apps` and straight from the fake, rounds interleaved so machine noise falls on all. */
export async function measureStreaming(
  apps: StreamTarget[],
  fake: FakeProviders,
  apiKey: string,
  progress: (text: string) => void,
): Promise<StreamingResult> {
  const { streams, chunks, intervalMs, rounds } = STREAMING;
  const previous = fake.chat;
  fake.chat = { chunks, intervalMs };
  const messages = [{ role: "user", content: "Say hello" }];
  const viaApp = (app: StreamTarget) => () =>
    timeStream(
      `${app.url}/api/chat`,
      {
        method: "POST",
        headers: { "content-type": "application/json", cookie: app.cookie, origin: app.url },
        body: JSON.stringify({ providerId: app.providerId, model: "gpt-4o-mini", messages }),
      },
      (text) => text.includes('"type":"text-delta"'),
    );
  const direct = () =>
    timeStream(
      `${fake.baseURL("openai")}/chat/completions`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } }),
      },
      (text) => /"delta":\{"content":"[^"]/.test(text),
    );

  const sides = [direct, ...apps.map(viaApp)];
  /** Per side, per round. */
  const timings = sides.map(() => [] as StreamTiming[][]);
  const bursts = sides.map(() => [] as StreamTiming[]);
  try {
    progress(
      `streaming: warming up, then a burst of ${streams} simultaneous starts each way (direct, ${apps.map((a) => a.name).join(", ")})`,
    );
    for (const one of sides) await batch(one);
    for (const [i, one] of sides.entries()) bursts[i] = await batch(one);
    for (let round = 1; round <= rounds; round++) {
      // Every other round in the reverse order, so that no side always runs first or last.
      const order = round % 2 ? [...sides.keys()] : [...sides.keys()].reverse();
      progress(
        `streaming round ${round}/${rounds}: ${streams} streams in flight for ${STREAMING.roundSeconds} s, ${chunks} chunks ${intervalMs} ms apart, ${order.map((i) => (i === 0 ? "direct" : apps[i - 1]!.name)).join(", ")}`,
      );
      for (const i of order) timings[i]!.push(await sustained(sides[i]!));
    }
  } finally {
    fake.chat = previous;
  }
  const [straight, ...throughApps] = timings.map((perRound) => perRound.flat()) as [
    StreamTiming[],
    ...StreamTiming[][],
  ];
  const directFirst = stats(good(straight).map((t) => t.firstToken));
  return {
    settings: STREAMING,
    direct: {
      firstTokenMs: directFirst,
      burst: stats(good(bursts[0]!).map((t) => t.firstToken)),
      failed: straight.length - good(straight).length,
    },
    apps: apps.map((app, i) => summarize(app.name, throughApps[i]!, bursts[i + 1]!, straight, directFirst)),
    overFirstMs: Object.fromEntries(apps.slice(1).map((app, i) => [app.name, overFirst(timings[1]!, timings[i + 2]!)])),
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** The median over rounds of (other's p50 − first's p50), and the same for p99. */
function overFirst(first: StreamTiming[][], other: StreamTiming[][]): { p50: number; p99: number } {
  const per = (p: number) =>
    median(
      first.map(
        (round, r) =>
          percentile(
            good(other[r]!).map((t) => t.firstToken),
            p,
          ) -
          percentile(
            good(round).map((t) => t.firstToken),
            p,
          ),
      ),
    );
  return { p50: round1(per(50)), p99: round1(per(99)) };
}

/** `streams` at once, once each. */
const batch = (one: () => Promise<StreamTiming>) => Promise.all(Array.from({ length: STREAMING.streams }, one));

/** `streams` clients, each starting its next stream when one ends, for `roundSeconds`. */
async function sustained(one: () => Promise<StreamTiming>): Promise<StreamTiming[]> {
  const { streams, chunks, intervalMs, roundSeconds } = STREAMING;
  const until = performance.now() + roundSeconds * 1000;
  const stagger = (chunks * intervalMs) / streams;
  const timings: StreamTiming[] = [];
  await Promise.all(
    Array.from({ length: streams }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * stagger));
      while (performance.now() < until) timings.push(await one());
    }),
  );
  return timings;
}

function summarize(
  name: string,
  viaApp: StreamTiming[],
  burst: StreamTiming[],
  straight: StreamTiming[],
  direct: { p50: number; p99: number },
): AppStreaming {
  const directSpread = median(good(straight).map((t) => t.spread));
  const worstSpreadRatio = Math.min(...good(viaApp).map((t) => t.spread / directSpread));
  const fewestReads = Math.min(...good(viaApp).map((t) => t.reads));
  const first = stats(good(viaApp).map((t) => t.firstToken));
  return {
    name,
    samples: good(viaApp).length,
    firstTokenMs: first,
    addedMs: { p50: round1(first.p50 - direct.p50), p99: round1(first.p99 - direct.p99) },
    serverTimingMs: Object.fromEntries(
      ["db", "provider"].flatMap((metric) => {
        const values = good(viaApp).flatMap((t) =>
          t.serverTiming?.[metric] === undefined ? [] : [t.serverTiming[metric]],
        );
        return values.length > 0 ? [[metric, stats(values)]] : [];
      }),
    ),
    burst: stats(good(burst).map((t) => t.firstToken)),
    worstSpreadRatio: Math.round(worstSpreadRatio * 100) / 100,
    fewestReads,
    // Buffered answers arrive in a few reads at the end; these must arrive as sent.
    unbuffered: worstSpreadRatio >= 0.8 && fewestReads >= STREAMING.chunks / 2,
    failed: viaApp.length - good(viaApp).length,
  };
}

/** The table on stdout: one column pair per app, side by side, and what each app adds over the first. */
export function printStreaming(result: StreamingResult) {
  const { streams, chunks, intervalMs, rounds, roundSeconds } = result.settings;
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const apps = result.apps;
  console.log(
    `\nStreaming — ${streams} streams in flight, ${rounds} rounds of ${roundSeconds} s each way, ${chunks} chunks ${intervalMs} ms apart; ${apps.map((a) => `${a.samples} streams through ${a.name}`).join(", ")} (load ${result.load})`,
  );
  const row = (label: string, cells: (string | number)[]) =>
    console.log(`${label.padEnd(36)}${cells.map((c) => pad(c, 10)).join("")}`);
  const both = (get: (a: AppStreaming) => { p50: number; p99: number } | undefined) =>
    apps.flatMap((a) => [get(a)?.p50 ?? "–", get(a)?.p99 ?? "–"]);
  row(
    "",
    apps.flatMap((a) => [a.name, ""]),
  );
  row(
    "time to first token (ms)",
    apps.flatMap(() => ["p50", "p99"]),
  );
  row(
    "  direct to the fake",
    apps.flatMap(() => [result.direct.firstTokenMs.p50, result.direct.firstTokenMs.p99]),
  );
  row(
    "  through the app",
    both((a) => a.firstTokenMs),
  );
  row(
    "  added by the app",
    both((a) => a.addedMs),
  );
  row(
    "    of which: database (+ keys)",
    both((a) => a.serverTimingMs.db),
  );
  row(
    "    of which: provider → output",
    both((a) => a.serverTimingMs.provider),
  );
  row(
    `  burst of ${streams}, direct`,
    apps.flatMap(() => [result.direct.burst.p50, result.direct.burst.p99]),
  );
  row(
    `  burst of ${streams}, the app`,
    both((a) => a.burst),
  );
  for (const [name, over] of Object.entries(result.overFirstMs)) {
    console.log(
      `${name} over ${apps[0]!.name} (median over rounds of the difference in each round): ${over.p50} ms p50, ${over.p99} ms p99 (target ≤ 1 ms added p50: ${over.p50 <= 1 ? "met" : "MISSED"})`,
    );
  }
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  for (const app of apps) {
    console.log(
      `${app.name}: not buffered: ${app.unbuffered ? "yes" : "NO"} (worst stream's text spread ${app.worstSpreadRatio} × the fake's; at least ${app.fewestReads} separate reads of ${chunks} chunks); failed streams: ${app.failed}; targets: added p50 ≤ 5 ms: ${met(app.addedMs.p50 <= 5)}; added p99 ≤ 20 ms: ${met(app.addedMs.p99 <= 20)}; never buffered: ${met(app.unbuffered)}`,
    );
  }
}
