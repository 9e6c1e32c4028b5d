import { randomBytes, randomUUID } from "node:crypto";
import { Agent, fetch } from "undici";
import { signInOverHttp } from "@/dev/app-server";

/**
 * A connection per request to the load balancer, as many separate browsers make them: a kept-alive connection the
 * load balancer is closing at the moment a request goes out on it fails that request before it reaches any
 * instance, which is the client's pool and not what this suite measures.
 */
const oneConnectionEach = new Agent({ pipelining: 0 });

/**
 * A bounded mixed load through the load balancer, as signed-in people make it: lists, saves (a key the fake
 * provider accepts), toggles, streamed playground chats, sign-ins. Every request is recorded: its kind, how it
 * ended (an HTTP status, a connection that failed, a stream cut short), the instance that answered (X-Served-By)
 * and its time. Every write the app acknowledged is remembered, to be looked for in the database afterwards.
 */
export type Kind = "sign-in" | "list" | "providers" | "save" | "toggle" | "chat";

export interface Outcome {
  kind: Kind;
  /** "200", "503"…, "no answer" (the connection failed before an answer), "stream cut" (the answer's body ended in an error). */
  result: string;
  ok: boolean;
  servedBy: string;
  /** The X-Request-Id it was sent with (the load balancer logs it with the instance it chose). */
  requestId?: string;
  ms: number;
}

export interface Acknowledged {
  saves: Map<string, string>; // key id → user id
  /** key id → the isEnabled the last acknowledged toggle set, when it was the last toggle tried on that key. */
  toggles: Map<string, boolean>;
}

export interface Person {
  email: string;
  cookie: string;
  userId?: string;
  providers: { id: string }[];
  keys: string[];
  enabled: Map<string, boolean>;
  /** key id → its provider */
  providerOf: Map<string, string>;
  saves: number;
}

const PASSWORD = "cluster-password-1";

export class Load {
  readonly outcomes: Outcome[] = [];
  readonly acknowledged: Acknowledged = { saves: new Map(), toggles: new Map() };
  /** Every write tried, in order: what, on which key, how it ended, where (for a write acknowledged but not found). */
  readonly writes: string[] = [];
  /** The chats whose answer is streaming right now: request id → the instance streaming it. */
  readonly streaming = new Map<string, string>();
  private stopping = false;

  constructor(private readonly url: string) {}

  /** Registers and signs in `count` people (not counted in the load). */
  async people(count: number): Promise<Person[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const email = `load.${randomUUID().slice(0, 12)}@example.test`;
        const cookie = await signInOverHttp(this.url, email, PASSWORD);
        const providers = (await (await fetch(`${this.url}/api/providers`, { headers: { cookie } })).json()) as {
          id: string;
        }[];
        return {
          email,
          cookie,
          providers,
          keys: [],
          enabled: new Map(),
          providerOf: new Map(),
          saves: 0,
        } satisfies Person;
      }),
    );
  }

  private async timed(
    kind: Kind,
    work: (requestId: string) => Promise<{ status: number; servedBy: string; ok?: boolean; result?: string }>,
  ): Promise<void> {
    const started = performance.now();
    const requestId = `load-${randomUUID()}`;
    let outcome: Omit<Outcome, "ms" | "kind" | "requestId">;
    try {
      const { status, servedBy, ok, result } = await work(requestId);
      outcome = { result: result ?? String(status), ok: ok ?? (status >= 200 && status < 300), servedBy };
    } catch (error) {
      const served = (error as { servedBy?: string }).servedBy;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      outcome = {
        result: served === undefined ? `no answer${code ? ` (${code})` : ""}` : "stream cut",
        ok: false,
        servedBy: served ?? "",
      };
    }
    this.outcomes.push({ kind, ...outcome, requestId, ms: performance.now() - started });
  }

  private async call(path: string, person: Person, requestId: string, init: RequestInit = {}) {
    const response = await fetch(`${this.url}${path}`, {
      ...(init as object),
      dispatcher: oneConnectionEach,
      headers: {
        cookie: person.cookie,
        "content-type": "application/json",
        origin: this.url,
        "x-request-id": requestId,
        ...init.headers,
      },
    });
    const servedBy = response.headers.get("x-served-by") ?? "";
    if (path === "/api/chat") this.streaming.set(requestId, servedBy);
    const text = await response
      .text()
      .catch((error: unknown) => {
        throw Object.assign(new Error(`body of ${path} cut: ${String(error)}`), { servedBy });
      })
      .finally(() => this.streaming.delete(requestId));
    return { status: response.status, servedBy, text };
  }

  /** One step of one person: which kind, by the step's number. */
  private async step(person: Person, n: number): Promise<void> {
    const which = n % 10;
    if (which === 0) {
      return this.timed("sign-in", async () => {
        const cookie = await signInOverHttp(this.url, person.email, PASSWORD, false);
        person.cookie = cookie;
        return { status: 200, servedBy: "" };
      });
    }
    if (which === 1 && person.saves < 35) {
      return this.timed("save", async (requestId) => {
        const providerId = person.providers[person.saves % person.providers.length]!.id;
        person.saves++;
        const apiKey = `sk-test-valid-${randomBytes(12).toString("hex")}`;
        // A label of its own: a new key each time (a save without one replaces the provider's primary key).
        const label = `load ${person.saves}`;
        const answer = await this.call("/api/user/api-keys", person, requestId, {
          method: "POST",
          body: JSON.stringify({ providerId, apiKey, label }),
        });
        if (answer.status === 200) {
          const { id } = JSON.parse(answer.text) as { id: string };
          this.acknowledged.saves.set(id, person.email);
          person.keys.push(id);
          person.enabled.set(id, true);
          person.providerOf.set(id, providerId);
        }
        return answer;
      });
    }
    if ((which === 3 || which === 7) && person.keys.length > 0) {
      return this.timed("toggle", async (requestId) => {
        const id = person.keys[n % person.keys.length]!;
        const isEnabled = !person.enabled.get(id);
        this.acknowledged.toggles.delete(id); // tried: until acknowledged, the key's state is not known
        const answer = await this.call(`/api/user/api-keys/${id}`, person, requestId, {
          method: "PATCH",
          body: JSON.stringify({ isEnabled }),
        });
        this.writes.push(`toggle ${id} → ${isEnabled}: ${answer.status} from ${answer.servedBy} (${requestId})`);
        if (answer.status === 200) {
          person.enabled.set(id, isEnabled);
          this.acknowledged.toggles.set(id, isEnabled);
        }
        return answer;
      });
    }
    if (which === 5 && person.keys.length > 0) {
      return this.timed("chat", async (requestId) => {
        const enabled = person.keys.find((id) => person.enabled.get(id));
        if (!enabled) return { status: 200, servedBy: "", result: "skipped" };
        const providerId = person.providerOf.get(enabled)!;
        const answer = await this.call("/api/chat", person, requestId, {
          method: "POST",
          body: JSON.stringify({ providerId, model: "m-1", messages: [{ role: "user", content: "Hi" }] }),
        });
        // A streamed answer that ends without its finish event is not an answer.
        const finished = answer.text.includes('"type":"finish"');
        return {
          ...answer,
          ok: answer.status === 200 && finished,
          result: answer.status === 200 && !finished ? "stream unfinished" : undefined,
        };
      });
    }
    if (which === 9) return this.timed("providers", (requestId) => this.call("/api/providers", person, requestId));
    return this.timed("list", (requestId) => this.call("/api/user/api-keys", person, requestId));
  }

  /** Each person runs `steps` steps one after another, all people at once. */
  async run(people: Person[], steps: number): Promise<void> {
    await Promise.all(
      people.map(async (person, p) => {
        for (let n = 0; n < steps; n++) await this.step(person, n + p);
      }),
    );
  }

  /** Each person runs steps until `stop()`; resolves when every person has finished its step in flight. */
  async runUntilStopped(people: Person[]): Promise<void> {
    this.stopping = false;
    await Promise.all(
      people.map(async (person, p) => {
        for (let n = 0; !this.stopping; n++) await this.step(person, n + p);
      }),
    );
  }

  stop(): void {
    this.stopping = true;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** One row of the scenario table. */
export function summarise(scenario: string, outcomes: Outcome[], writes: { acknowledged: number; found: number }) {
  const failures: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) failures[`${o.kind} ${o.result}`] = (failures[`${o.kind} ${o.result}`] ?? 0) + 1;
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  return {
    scenario,
    requests: outcomes.length,
    failed: outcomes.filter((o) => !o.ok).length,
    "failures by kind":
      Object.entries(failures)
        .map(([k, n]) => `${k}: ${n}`)
        .join(", ") || "none",
    "p50 ms": Math.round(percentile(times, 50)),
    "p99 ms": Math.round(percentile(times, 99)),
    "writes acknowledged / found": `${writes.acknowledged} / ${writes.found}`,
  };
}
