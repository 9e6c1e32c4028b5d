import { mkdirSync, writeFileSync } from "node:fs";
import type { Read, Run } from "./http-runs";
import type { measureInProcess } from "./in-process";
import type { measurePageJs } from "./page-js";
import type { KekCosts } from "./kek";
import type { StreamingResult } from "./streaming";

/** A route against the floor: throughput and p99 as ratios of the floor's (interleaved reads: median of rounds). */
export interface VersusFloor {
  throughput: number;
  p99: number;
}

export type BenchResult = {
  date: string;
  machine: { cpus: number; model: string | undefined; node: string };
  database: string;
  settings: { durationSeconds: number; connections: number; rounds: number; users: number; keysPerUser: number };
  runs: Run[];
  versusFloor: Record<Exclude<Read, "floor"> | "upsert" | "toggle" | "deletion", VersusFloor> & {
    /** GET /api/providers over the list, throughput, median of rounds. */
    providersOverList: number;
  };
} & Awaited<ReturnType<typeof measureInProcess>> & {
    settingsPageJs: Awaited<ReturnType<typeof measurePageJs>>;
    /** Chat streamed through the app against the fake directly (streaming.ts); absent in results written before it. */
    streaming?: StreamingResult;
    /** The key-encryption key's costs, one call at a time (kek.ts); absent in results written before it. */
    kekCosts?: KekCosts;
  };

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Each read against the floor of its own round, each write against the floor's median run. */
export function compareWithFloor(
  reads: Record<Read, Run[]>,
  writes: Record<"upsert" | "toggle" | "deletion", Run>,
): BenchResult["versusFloor"] {
  const floors = reads.floor;
  const perRound = (runs: Run[]): VersusFloor => ({
    throughput: median(runs.map((run, i) => run.requestsPerSecond / floors[i]!.requestsPerSecond)),
    p99: median(runs.map((run, i) => run.p99 / Math.max(floors[i]!.p99, 1))),
  });
  const floorRps = median(floors.map((f) => f.requestsPerSecond));
  const floorP99 = Math.max(median(floors.map((f) => f.p99)), 1);
  const single = (run: Run): VersusFloor => ({ throughput: run.requestsPerSecond / floorRps, p99: run.p99 / floorP99 });
  return {
    list: perRound(reads.list),
    providers: perRound(reads.providers),
    upsert: single(writes.upsert),
    toggle: single(writes.toggle),
    deletion: single(writes.deletion),
    providersOverList: median(
      reads.providers.map((run, i) => run.requestsPerSecond / reads.list[i]!.requestsPerSecond),
    ),
  };
}

/** The targets of README's Performance table that these runs decide, each met or missed. */
function targets(result: BenchResult): [string, boolean][] {
  const { list, providersOverList } = result.versusFloor;
  const postgres = result.database.startsWith("PostgreSQL");
  return [
    ...(postgres
      ? ([
          ["list throughput ≥ 0.85 × floor", list.throughput >= 0.85],
          ["list p99 ≤ 1.5 × floor", list.p99 <= 1.5],
        ] as [string, boolean][])
      : ([["list p99 ≤ 2 × floor", list.p99 <= 2]] as [string, boolean][])),
    ["providers throughput ≥ list", providersOverList >= 1],
    ["no errors in any run", result.runs.every((run) => run.errors === 0)],
  ];
}

/** The table on stdout. */
export function printReport(result: BenchResult) {
  const { durationSeconds, connections, rounds } = result.settings;
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const ratio = (value: number) => value.toFixed(2);
  console.log(
    `\n\nBenchmark — ${result.database}, ${durationSeconds} s × ${connections} connections per run, ${rounds} interleaved rounds`,
  );
  console.log(
    `Each list answers ${result.settings.keysPerUser} keys, each with its health and 30 days of usage (read in the list's one statement).`,
  );
  console.log(
    `${"run".padEnd(26)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("errors", 8)}${pad("load", 7)}`,
  );
  for (const run of result.runs) {
    const failures = run.failures ? `  ${JSON.stringify(run.failures)}` : "";
    console.log(
      `${run.name.padEnd(26)}${pad(run.requestsPerSecond.toFixed(0), 10)}${pad(run.p50, 9)}${pad(run.p99, 9)}${pad(run.errors, 8)}${pad(run.load.toFixed(1), 7)}${failures}`,
    );
  }
  console.log(`\nagainst the floor (GET /api/health/live)    throughput    p99`);
  const { providersOverList, ...routes } = result.versusFloor;
  for (const [name, versus] of Object.entries(routes)) {
    console.log(`  ${name.padEnd(42)}${pad(ratio(versus.throughput), 10)}${pad(ratio(versus.p99), 7)}`);
  }
  console.log(`  providers / list throughput: ${ratio(providersOverList)}`);
  console.log(
    `targets: ${targets(result)
      .map(([name, met]) => `${name}: ${met ? "met" : "MISSED"}`)
      .join("; ")}`,
  );
  console.log(`SQL statements per operation: ${JSON.stringify(result.statementsPerOperation)}`);
  console.log(`keys decrypted per list request: ${result.decryptionsPerList}`);
  console.log(
    `list latency (data layer, ms): ${JSON.stringify(result.listLatencyMs, (_k, v) => (typeof v === "number" ? Math.round(v * 1000) / 1000 : v))}`,
  );
  const js = result.settingsPageJs;
  if (js.gzipBytes !== undefined) {
    console.log(
      `settings page JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} kB gzip in ${js.files} files (transferred: ${((js.transferBytes ?? 0) / 1024).toFixed(1)} kB)`,
    );
  }
}

/** The raw result as bench/results/<date>-<database>.json; returns the file's path. */
export function writeResult(result: BenchResult, kind: "postgres" | "pglite"): string {
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/${result.date.slice(0, 16).replace(/[:T]/g, "-")}-${kind}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
