import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import type { Readable } from "node:stream";
import { join } from "node:path";

/**
 * Debian's PgBouncer (apt-get install pgbouncer) in front of a real PostgreSQL, with deploy/pgbouncer.ini (transaction
 * mode, as managed databases run theirs; see pgbouncerConfig), for the cluster suite and the pooler benchmark. PgBouncer refuses to run as root:
 * started by root, it runs as the `postgres` user. `stop()` and `start()` again is a pooler restart (same port).
 */
export class PgBouncer {
  private child: ChildProcess | undefined;
  private readonly dir: string;
  readonly log: string[] = [];

  constructor(
    readonly port: number,
    private readonly server: { host: string; port: number },
    private readonly options: { poolSize?: number; maxClients?: number } = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "byok-pgbouncer-"));
  }

  /** `url` (a database on the PostgreSQL server) as reached through this pooler. */
  url(url: string): string {
    return Object.assign(new URL(url), { hostname: "127.0.0.1", port: String(this.port) }).toString();
  }

  async start(): Promise<void> {
    if (this.child) return;
    const ini = join(this.dir, "pgbouncer.ini");
    writeFileSync(join(this.dir, "users.txt"), '"postgres" ""\n');
    writeFileSync(
      ini,
      pgbouncerConfig({ port: this.port, server: this.server, authFile: join(this.dir, "users.txt"), ...this.options }),
    );
    chmodSync(this.dir, 0o755);
    const asRoot = process.getuid?.() === 0;
    const ids = asRoot
      ? {
          uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
          gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
        }
      : {};
    const child = spawn("pgbouncer", [ini], { stdio: ["ignore", "pipe", "pipe"], ...ids });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) collectLines(stream, this.log);
    await waitForPort(
      this.port,
      () => child.exitCode !== null,
      () => this.log.slice(-5).join("\n"),
    );
  }

  /** Stops it (SIGINT: PgBouncer's "immediate shutdown"; its clients' connections drop). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Appends each complete line the stream writes to `lines` (a chunk may end inside a line). */
export function collectLines(stream: Readable | null, lines: string[]): void {
  let partial = "";
  stream?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  stream?.on("end", () => partial && lines.push(partial));
}

/**
 * deploy/pgbouncer.ini, the file the compose topology runs, made to run here: every database name passed through
 * to `server`, on 127.0.0.1:`port`, trust auth (the server here trusts 127.0.0.1), the pool sizes given. Every other
 * line (transaction mode, the ignored startup parameters, no reset query) is the file's own.
 */
export function pgbouncerConfig(options: {
  port: number;
  server: { host: string; port: number };
  authFile: string;
  poolSize?: number;
  maxClients?: number;
}): string {
  const deployed = readFileSync(join(process.cwd(), "deploy", "pgbouncer.ini"), "utf8");
  const set = (text: string, key: string, value: string | number | undefined) => {
    if (value === undefined) return text;
    const line = new RegExp(`^${key} = .*$`, "m");
    if (!line.test(text)) throw new Error(`deploy/pgbouncer.ini no longer sets ${key}: update dev/pgbouncer.ts`);
    return text.replace(line, `${key} = ${value}`);
  };
  let config = deployed.replace(
    /^\[databases\]\n(?:[^[\n].*\n)*/m,
    `[databases]\n* = host=${options.server.host} port=${options.server.port}\n\n`,
  );
  config = set(config, "listen_addr", "127.0.0.1");
  config = set(config, "listen_port", options.port);
  config = set(config, "auth_type", "trust");
  config = set(config, "auth_file", options.authFile);
  config = set(config, "default_pool_size", options.poolSize);
  config = set(config, "max_client_conn", options.maxClients);
  if (!/^pool_mode = transaction$/m.test(config)) throw new Error("deploy/pgbouncer.ini is not in transaction mode");
  return config;
}

/** Resolves once something accepts connections on the port; rejects when `failed()` says the process ended. */
export async function waitForPort(
  port: number,
  failed: () => boolean,
  why: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (failed()) throw new Error(`the process for port ${port} exited:\n${why()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms:\n${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
