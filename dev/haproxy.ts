import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectLines, waitForPort } from "./pgbouncer";

/**
 * Debian's HAProxy (apt-get install haproxy) in front of app instances on 127.0.0.1, with deploy/haproxy.cfg
 * (see haproxyConfig): health checks on GET /api/health (a stopping instance answers 503 for SHUTDOWN_DRAIN_MS while
 * it still serves, so it is taken out within one check before it stops listening), a refused connection retried on
 * another instance, one backend connection per request
 * (never a kept-alive connection the instance is closing), and `X-Served-By` naming the instance on every answer,
 * the load balancer's own errors included. Its admin socket answers `show stat`.
 */
export class HaProxy {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "byok-haproxy-"));
  readonly log: string[] = [];

  constructor(
    readonly port: number,
    private readonly instances: { name: string; port: number }[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const config = join(this.dir, "haproxy.cfg");
    writeFileSync(
      config,
      haproxyConfig({
        bind: `127.0.0.1:${this.port}`,
        socket: join(this.dir, "admin.sock"),
        instances: this.instances.map((i) => ({ name: i.name, address: `127.0.0.1:${i.port}` })),
      }),
    );
    const child = spawn("haproxy", ["-db", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) collectLines(stream, this.log);
    await waitForPort(
      this.port,
      () => child.exitCode !== null,
      () => this.log.join("\n"),
    );
  }

  /**
   * The instance HAProxy sent a request to, by the request's X-Request-Id, from its log: also for a request that
   * got no answer at all (the instance died holding it). Undefined when HAProxy logged no such request.
   */
  servedBy(requestId: string): string | undefined {
    const line = this.log.find((l) => l.startsWith(`request ${requestId} `));
    return line?.split(" ")[2];
  }

  /** Each instance's state as HAProxy sees it: "UP", "DOWN", "MAINT", "NOLB"… */
  async states(): Promise<Record<string, string>> {
    const csv = await new Promise<string>((resolve, reject) => {
      const socket = connect(join(this.dir, "admin.sock"));
      let text = "";
      socket.on("connect", () => socket.write("show stat\n"));
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const rows = csv.split("\n").filter((line) => line.startsWith("app,"));
    return Object.fromEntries(
      rows
        .map((row) => row.split(","))
        .filter((f) => f[1] !== "BACKEND")
        .map((f) => [f[1]!, f[17]!.split(" ")[0]!]),
    );
  }

  /** Resolves once HAProxy's checks see the instance in `state` (polled on its admin socket). */
  async until(name: string, state: "UP" | "DOWN"): Promise<void> {
    while ((await this.states())[name] !== state) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * deploy/haproxy.cfg, the file the compose topology runs, made to run here: listening on `bind`, the instances
 * named instead of found through Docker's DNS, an admin socket, a log line per request naming its X-Request-Id and
 * instance. Every other line is the file's own.
 */
export function haproxyConfig(options: {
  bind: string;
  socket?: string;
  instances: { name: string; address: string }[];
}): string {
  const deployed = readFileSync(join(process.cwd(), "deploy", "haproxy.cfg"), "utf8");
  const replace = (text: string, pattern: RegExp, by: string) => {
    if (!pattern.test(text)) throw new Error(`deploy/haproxy.cfg no longer has ${pattern}: update dev/haproxy.ts`);
    return text.replace(pattern, by);
  };
  let config = replace(deployed, /\nresolvers docker\n(?: {2}.*\n|\s*#.*\n)*/, "\n");
  config = replace(config, /^ {2}bind \*:8080$/m, `  bind ${options.bind}`);
  config = replace(config, / resolvers docker init-addr none$/m, "");
  config = replace(
    config,
    /^ {2}server-template .*$/m,
    options.instances.map((i) => `  server ${i.name} ${i.address}`).join("\n"),
  );
  // One line per request on stdout: its X-Request-Id, the instance it went to and how it ended (see servedBy).
  config = replace(config, /^ {2}log stdout.*$/m, "  log stdout format raw local0");
  config = replace(config, /^ {2}option httplog$/m, '  log-format "request %[capture.req.hdr(0)] %s %ST %tsc"');
  config = replace(
    config,
    /^ {2}default_backend app$/m,
    "  http-request capture req.hdr(x-request-id) len 128\n  default_backend app",
  );
  if (options.socket)
    config = replace(config, /^global\n/m, `global\n  stats socket ${options.socket} mode 600 level admin\n`);
  return config;
}
