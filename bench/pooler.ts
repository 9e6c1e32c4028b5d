import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { type AppServer, startApp } from "@/dev/app-server";
import { PgBouncer } from "@/dev/pgbouncer";
import { cookieRotation, load, type Run, signIn } from "./http-runs";
import { SETTINGS } from "./settings";

/**
 * What DATABASE_POOLER=transaction behind PgBouncer costs (BENCH_ONLY=pooler, PostgreSQL only): the key list
 * (GET /api/user/api-keys, the seeded users' 40 keys each) through two servers of the same build on the same
 * database, one straight to PostgreSQL, one through Debian's PgBouncer in transaction mode (deploy/pgbouncer.ini)
 * without prepared statements; in interleaved rounds, so that machine noise falls on both alike. PgBouncer shares
 * the machine's cores with the server and autocannon.
 */
export const POOLER_PORT = Number(process.env.BENCH_PGBOUNCER_PORT ?? 4132);

export interface PoolerResult {
  direct: Run[];
  pooled: Run[];
  /** Medians over the rounds. */
  summary: {
    directRps: number;
    pooledRps: number;
    ratio: number;
    directP50: number;
    pooledP50: number;
    directP99: number;
    pooledP99: number;
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export async function measurePooler(
  direct: AppServer,
  databaseUrl: string,
  appEnv: Record<string, string>,
  emails: string[],
  progress: (text: string) => void,
): Promise<PoolerResult> {
  const server = new URL(databaseUrl);
  const pgbouncer = new PgBouncer(
    POOLER_PORT,
    { host: server.hostname, port: Number(server.port || 5432) },
    { poolSize: 20 },
  );
  await pgbouncer.start();
  let pooledApp: AppServer | undefined;
  try {
    progress(`starting a second next start through PgBouncer (transaction mode, :${POOLER_PORT})`);
    pooledApp = await startApp({
      env: { ...appEnv, DATABASE_URL: pgbouncer.url(databaseUrl), DATABASE_POOLER: "transaction" },
    });
    const targets = { direct: direct.url, pooled: pooledApp.url } as const;
    const rotations = {
      direct: cookieRotation(await signIn(targets.direct, emails, progress)),
      pooled: cookieRotation(await signIn(targets.pooled, emails, progress)),
    };
    const runs: { direct: Run[]; pooled: Run[] } = { direct: [], pooled: [] };
    for (const side of ["direct", "pooled"] as const) {
      await load("warm-up", {
        url: `${targets[side]}/api/user/api-keys`,
        duration: 3,
        requests: [rotations[side].rotate()],
      });
    }
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      for (const side of ["direct", "pooled"] as const) {
        progress(`round ${round}/${SETTINGS.rounds}: GET /api/user/api-keys ${side}`);
        runs[side].push(
          await load(`list ${side} #${round}`, {
            url: `${targets[side]}/api/user/api-keys`,
            requests: [rotations[side].rotate()],
          }),
        );
      }
    }
    const m = (side: "direct" | "pooled", field: "requestsPerSecond" | "p50" | "p99") =>
      median(runs[side].map((r) => r[field]));
    return {
      ...runs,
      summary: {
        directRps: m("direct", "requestsPerSecond"),
        pooledRps: m("pooled", "requestsPerSecond"),
        ratio: Math.round((m("pooled", "requestsPerSecond") / m("direct", "requestsPerSecond")) * 100) / 100,
        directP50: m("direct", "p50"),
        pooledP50: m("pooled", "p50"),
        directP99: m("direct", "p99"),
        pooledP99: m("pooled", "p99"),
      },
    };
  } finally {
    await pooledApp?.stop();
    await pgbouncer.close();
  }
}

export function printPooler(result: PoolerResult) {
  console.log(
    `\nThe pooler's cost: GET /api/user/api-keys, ${SETTINGS.connections} connections, ${SETTINGS.rounds} interleaved rounds of ${SETTINGS.durationSeconds} s`,
  );
  console.table(
    [...result.direct, ...result.pooled].map(({ name, requestsPerSecond, p50, p99, errors, load }) => ({
      name,
      "req/s": Math.round(requestsPerSecond),
      p50,
      p99,
      errors,
      load,
    })),
  );
  const s = result.summary;
  console.log(
    `median: direct ${Math.round(s.directRps)} req/s (p50 ${s.directP50} ms, p99 ${s.directP99} ms); through PgBouncer ${Math.round(s.pooledRps)} req/s (p50 ${s.pooledP50} ms, p99 ${s.pooledP99} ms): ×${s.ratio}`,
  );
}

/** bench/results/<date>-pooler.json, beside the full runs' files. */
export function writePoolerResult(result: PoolerResult, database: string): string {
  const date = new Date().toISOString();
  mkdirSync("bench/results", { recursive: true });
  const file = `bench/results/${date.slice(0, 16).replace(/[:T]/g, "-")}-pooler.json`;
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
  const settings = {
    durationSeconds: SETTINGS.durationSeconds,
    connections: SETTINGS.connections,
    rounds: SETTINGS.rounds,
    users: SETTINGS.users,
  };
  writeFileSync(file, `${JSON.stringify({ date, machine, database, settings, ...result }, null, 2)}\n`);
  return file;
}
