import { mkdirSync, writeFileSync } from "node:fs";
import type { Run } from "./http-runs";
import type { measureInProcess } from "./in-process";
import type { measurePageJs } from "./page-js";

export type BenchResult = {
  date: string;
  machine: { cpus: number; model: string | undefined; node: string };
  database: string;
  settings: { durationSeconds: number; connections: number; rounds: number; users: number };
  runs: Run[];
  listOverFloor: { throughputRatioMedian: number; p99RatioMedian: number };
} & Awaited<ReturnType<typeof measureInProcess>> & { settingsPageJs: Awaited<ReturnType<typeof measurePageJs>> };

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The table on stdout. */
export function printReport(result: BenchResult) {
  const { durationSeconds, connections, rounds } = result.settings;
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(`\n\nBenchmark — ${result.database}, ${durationSeconds} s × ${connections} connections per run, ${rounds} interleaved rounds`);
  console.log(`${"run".padEnd(26)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("errors", 8)}`);
  for (const run of result.runs) {
    const failures = run.failures ? `  ${JSON.stringify(run.failures)}` : "";
    console.log(`${run.name.padEnd(26)}${pad(run.requestsPerSecond.toFixed(0), 10)}${pad(run.p50, 9)}${pad(run.p99, 9)}${pad(run.errors, 8)}${failures}`);
  }
  const { throughputRatioMedian, p99RatioMedian } = result.listOverFloor;
  console.log(`\nlist / floor throughput (median of rounds): ${throughputRatioMedian.toFixed(2)}    list p99 / floor p99: ${p99RatioMedian.toFixed(2)}`);
  console.log(`SQL statements per operation: ${JSON.stringify(result.statementsPerOperation)}`);
  console.log(`keys decrypted per list request: ${result.decryptionsPerList}`);
  console.log(`list latency (data layer, ms): ${JSON.stringify(result.listLatencyMs, (_k, v) => (typeof v === "number" ? Math.round(v * 1000) / 1000 : v))}`);
  const js = result.settingsPageJs;
  if (js.gzipBytes !== undefined) {
    console.log(`settings page JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} kB gzip in ${js.files} files (transferred: ${((js.transferBytes ?? 0) / 1024).toFixed(1)} kB)`);
  }
}

/** The raw result as bench/results/<date>-<database>.json; returns the file's path. */
export function writeResult(result: BenchResult, kind: "postgres" | "pglite"): string {
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/${result.date.slice(0, 16).replace(/[:T]/g, "-")}-${kind}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
