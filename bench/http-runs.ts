import { loadavg } from "node:os";
import autocannon from "autocannon";
import { signInOverHttp } from "@/dev/app-server";
import { BENCH_CHAT_KEY, BENCH_PASSWORD, KEYS_PER_USER } from "./seed";
import { SETTINGS } from "./settings";

const JSON_BODY = { "content-type": "application/json" };

export interface Run {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** The machine's 1-minute load average when the run ended: other work on a shared machine shows here. */
  load: number;
  /** Answers by HTTP status, and transport errors/timeouts, when anything was not 2xx. */
  failures?: Record<string, number>;
}

/** The reads measured in interleaved rounds; the floor is a request through the framework and nothing more. */
export const READS = {
  floor: "/api/health/live",
  list: "/api/user/api-keys",
  providers: "/api/providers",
} as const;
export type Read = keyof typeof READS;

export interface HttpRuns {
  /** Per read, one run per round, in round order. */
  reads: Record<Read, Run[]>;
  upsert: Run;
  toggle: Run;
  deletion: Run;
  /** A signed-in user's Cookie header, for the page measurement. */
  cookie: string;
}

export async function load(name: string, options: autocannon.Options): Promise<Run> {
  const result = await autocannon({
    connections: SETTINGS.connections,
    duration: SETTINGS.durationSeconds,
    ...options,
  });
  const failures: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith("2")) failures[code] = (stat as { count: number }).count;
  }
  if (result.errors) failures.errors = result.errors;
  if (result.timeouts) failures.timeouts = result.timeouts;
  return {
    ...(Object.keys(failures).length ? { failures } : {}),
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Signs in the users seed.ts wrote; returns their cookies. */
export async function signIn(base: string, emails: string[], progress: (text: string) => void) {
  progress(`signing in ${emails.length} users (${KEYS_PER_USER} keys each, with health and 30 days of usage)`);
  const cookies: string[] = [];
  for (const email of emails) cookies.push(await signInOverHttp(base, email, BENCH_PASSWORD, false));
  return cookies;
}

/** Requests that take the users' cookies in turn. */
export function cookieRotation(cookies: string[]) {
  let turn = 0;
  const nextCookie = () => cookies[turn++ % cookies.length]!;
  const rotate = (extra: Record<string, string> = {}): autocannon.Request => ({
    setupRequest: (request: autocannon.Request) => ({
      ...request,
      headers: { ...request.headers, ...extra, cookie: nextCookie() },
    }),
  });
  return { nextCookie, rotate };
}

/**
 * autocannon against `next start` at `base`: the floor and each read interleaved over the rounds after warming
 * them all (so machine noise cancels in their ratios), then the validated upsert, the toggle, and re-add + delete.
 */
export async function runHttp(
  base: string,
  seeded: { emails: string[]; providers: { id: string }[] },
  progress: (text: string) => void,
): Promise<HttpRuns> {
  const { providers } = seeded;
  const cookies = await signIn(base, seeded.emails, progress);
  const { nextCookie, rotate } = cookieRotation(cookies);

  const reads: Record<Read, Run[]> = { floor: [], list: [], providers: [] };
  const entries = Object.entries(READS) as [Read, string][];
  // Every path warms (JIT, connection pool) before anything is measured.
  for (const [, path] of entries) await load("warm-up", { url: `${base}${path}`, duration: 3, requests: [rotate()] });
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const [read, path] of entries) {
      progress(`round ${round}/${SETTINGS.rounds}: GET ${path} (${read})`);
      reads[read].push(await load(`${read} #${round}`, { url: `${base}${path}`, requests: [rotate()] }));
    }
  }

  progress("POST upsert with validation, PATCH toggle, re-add + DELETE");
  const upsert = await load("POST upsert (validated)", {
    url: `${base}/api/user/api-keys`,
    method: "POST",
    requests: [
      { ...rotate(JSON_BODY), body: JSON.stringify({ providerId: providers[0]!.id, apiKey: BENCH_CHAT_KEY }) },
    ],
  });
  let flip = false;
  const toggle = await load("PATCH toggle", {
    url: `${base}/api/user/api-keys`,
    method: "PATCH",
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, ...JSON_BODY, cookie: nextCookie() },
          body: JSON.stringify({ providerId: providers[1]!.id, isEnabled: (flip = !flip) }),
        }),
      },
    ],
  });
  // Each pass puts a key back (an upsert that skips the check), then deletes it, on a (user, provider) pair the
  // other runs do not touch. A pass takes a pair no other pass holds and frees it once its DELETE is answered, so
  // every DELETE finds its key however unevenly the connections progress. (autocannon resets `context` on every
  // pass, so a pass carries its pair there.)
  type Pair = { cookie: string; providerId: string };
  const free: Pair[] = cookies.flatMap((cookie) => providers.slice(2).map((p) => ({ cookie, providerId: p.id })));
  const deletion = await load("re-add + DELETE", {
    url: `${base}/api/user/api-keys`,
    requests: [
      {
        method: "POST",
        setupRequest: (r, context) => {
          const pair = ((context as { pair?: Pair }).pair = free.shift()!);
          const body = {
            providerId: pair.providerId,
            apiKey: "sk-test-valid-readd-00000000000000",
            skipValidation: true,
          };
          return { ...r, headers: { ...r.headers, ...JSON_BODY, cookie: pair.cookie }, body: JSON.stringify(body) };
        },
      },
      {
        method: "DELETE",
        setupRequest: (r, context) => {
          const { pair } = context as { pair: Pair };
          return {
            ...r,
            headers: { ...r.headers, ...JSON_BODY, cookie: pair.cookie },
            body: JSON.stringify({ providerId: pair.providerId }),
          };
        },
        onResponse: (_status, _body, context) => free.push((context as { pair: Pair }).pair),
      },
    ],
  });
  return { reads, upsert, toggle, deletion, cookie: cookies[0]! };
}
