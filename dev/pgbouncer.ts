import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Debian's PgBouncer (apt-get install pgbouncer) in front of a real PostgreSQL, in transaction mode as managed
 * databases run theirs, for the cluster suite and the pooler benchmark. Every database name is passed through to the
 * server (`* = host=… port=…`), trust auth (the server here trusts 127.0.0.1). PgBouncer refuses to run as root:
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
      [
        "[databases]",
        `* = host=${this.server.host} port=${this.server.port}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${this.port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${join(this.dir, "users.txt")}`,
        "pool_mode = transaction",
        `max_client_conn = ${this.options.maxClients ?? 1000}`,
        `default_pool_size = ${this.options.poolSize ?? 20}`,
        "ignore_startup_parameters = extra_float_digits,options",
        "server_reset_query =",
        "",
      ].join("\n"),
    );
    chmodSync(this.dir, 0o755);
    const asRoot = process.getuid?.() === 0;
    const ids = asRoot ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) } : {};
    const child = spawn("pgbouncer", [ini], { stdio: ["ignore", "pipe", "pipe"], ...ids });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => this.log.push(...chunk.toString().split("\n").filter(Boolean)));
    await waitForPort(this.port, () => child.exitCode !== null, () => this.log.slice(-5).join("\n"));
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

/** Resolves once something accepts connections on the port; rejects when `failed()` says the process ended. */
export async function waitForPort(port: number, failed: () => boolean, why: () => string, timeoutMs = 30_000): Promise<void> {
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
