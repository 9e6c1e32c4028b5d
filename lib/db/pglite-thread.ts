import "server-only";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * PGlite on a thread of its own (lib/db/pglite-worker.mjs), reached by message: the server's thread only sends
 * SQL and receives rows, so a request waiting on the embedded database no longer holds up every other request.
 * drizzle drives it through its pg-proxy driver (lib/db/client.ts).
 */
interface Reply {
  id: number;
  rows?: unknown[];
  error?: { name: string; message: string; code?: string; constraint?: string };
}

// turbopackIgnore: a plain file Node runs as it is, found from the working directory (the standalone output
// carries it there: next.config.ts).
const WORKER_FILE = join(/* turbopackIgnore: true */ process.cwd(), "lib", "db", "pglite-worker.mjs");

/** The thread, started on first use and again if it ever ends. It keeps the process alive only while it works. */
class Thread {
  private readonly worker = new Worker(WORKER_FILE);
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  ended = false;

  constructor() {
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => this.settle(reply));
    this.worker.on("error", (error) => this.end(error));
    this.worker.on("exit", (code) => this.end(new Error(`the embedded database's thread exited (code ${code})`)));
  }

  send(request: Record<string, unknown>): Promise<unknown[]> {
    if (this.ended) return Promise.reject(new Error("the embedded database's thread has ended"));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) waiting.reject(toError(reply.error));
    else waiting.resolve(reply.rows ?? []);
  }

  private end(reason: Error): void {
    this.ended = true;
    for (const { reject } of this.pending.values()) reject(reason);
    this.pending.clear();
  }
}

// On globalThis, like the database handle (lib/db/client.ts): dev hot reload must not start a second thread.
const cache = globalThis as unknown as { __byokPgliteThread?: Thread; __byokPgliteNext?: number };

function thread(): Thread {
  if (!cache.__byokPgliteThread || cache.__byokPgliteThread.ended) cache.__byokPgliteThread = new Thread();
  return cache.__byokPgliteThread;
}

/** One embedded database, open on the thread. */
export class PgliteThread {
  private closedHere = false;

  private constructor(
    private readonly on: Thread,
    private readonly db: number,
  ) {}

  /** Opens the database in `dataDir` (a folder, or `memory://`) on the thread. */
  static async open(dataDir: string): Promise<PgliteThread> {
    const on = thread();
    const db = (cache.__byokPgliteNext = (cache.__byokPgliteNext ?? 0) + 1);
    await on.send({ type: "open", db, dataDir });
    return new PgliteThread(on, db);
  }

  /** True once it is closed, or the thread has ended: it must be opened again. */
  get closed(): boolean {
    return this.closedHere || this.on.ended;
  }

  query(sql: string, params: unknown[], rowMode: "array" | "object"): Promise<unknown[]> {
    return this.send({ type: "query", sql, params, rowMode });
  }

  /** Runs the pending migrations' statements in one transaction. */
  async migrate(queries: string[]): Promise<void> {
    if (queries.length > 0) await this.send({ type: "migrate", queries });
  }

  /** Closes the database; PGlite writes everything out first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closedHere = true;
    await this.on.send({ type: "close", db: this.db });
  }

  private send(request: Record<string, unknown>): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error("the embedded database is closed"));
    return this.on.send({ ...request, db: this.db });
  }
}

/** The thread's description of a failure as an Error with PostgreSQL's fields (SQLSTATE `code`, `constraint`). */
function toError(described: NonNullable<Reply["error"]>): Error {
  const { name, message, ...fields } = described;
  return Object.assign(new Error(message), { name }, fields);
}
