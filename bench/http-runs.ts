import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { signInOverHttp } from "@/dev/app-server";
import { SETTINGS } from "./settings";

const PASSWORD = "bench-password-1";
const JSON_BODY = { "content-type": "application/json" };

export interface Run {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  /** Answers by HTTP status, and transport errors/timeouts, when anything was not 2xx. */
  failures?: Record<string, number>;
}

export interface HttpRuns {
  floors: Run[];
  lists: Run[];
  upsert: Run;
  toggle: Run;
  deletion: Run;
  /** A signed-in user's Cookie header, for the page measurement. */
  cookie: string;
}

async function load(name: string, options: autocannon.Options): Promise<Run> {
  const result = await autocannon({ connections: SETTINGS.connections, duration: SETTINGS.durationSeconds, ...options });
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
  };
}

/** Signs up the bench users, each with keys for the first four providers; returns their cookies. */
async function seed(base: string, progress: (text: string) => void) {
  progress(`seeding ${SETTINGS.users} users with 4 keys each`);
  const probe = await signInOverHttp(base, `probe.${randomUUID()}@bench.test`, PASSWORD);
  const providers = (await (await fetch(`${base}/api/providers`, { headers: { cookie: probe } })).json()) as { id: string }[];
  const cookies: string[] = [];
  for (let i = 0; i < SETTINGS.users; i++) {
    const cookie = await signInOverHttp(base, `u${i}.${randomUUID().slice(0, 6)}@bench.test`, PASSWORD);
    cookies.push(cookie);
    for (const provider of providers.slice(0, 4)) {
      const saved = await fetch(`${base}/api/user/api-keys`, {
        method: "POST",
        headers: { cookie, ...JSON_BODY },
        body: JSON.stringify({ providerId: provider.id, apiKey: `sk-test-valid-${randomUUID()}`, skipValidation: true }),
      });
      if (saved.status !== 200) throw new Error(`seeding failed: ${saved.status} ${await saved.text()}`);
    }
  }
  return { providers, cookies };
}

/**
 * autocannon against `next start` at `base`: floor and list interleaved over the rounds after warming both (so
 * machine noise cancels in their ratio), then the validated upsert, the toggle, and re-add + delete.
 */
export async function runHttp(base: string, progress: (text: string) => void): Promise<HttpRuns> {
  const { providers, cookies } = await seed(base, progress);
  let turn = 0;
  const nextCookie = () => cookies[turn++ % cookies.length]!;
  const rotate = (extra: Record<string, string> = {}) => ({
    setupRequest: (request: autocannon.Request) => ({ ...request, headers: { ...request.headers, ...extra, cookie: nextCookie() } }),
  });

  const floors: Run[] = [];
  const lists: Run[] = [];
  // Both paths warm (JIT, connection pool) before anything is measured.
  await load("warm-up", { url: `${base}/api/auth/session`, duration: 3, requests: [rotate()] });
  await load("warm-up", { url: `${base}/api/user/api-keys`, duration: 3, requests: [rotate()] });
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    progress(`round ${round}/${SETTINGS.rounds}: GET /api/auth/session (floor)`);
    floors.push(await load(`floor #${round}`, { url: `${base}/api/auth/session`, requests: [rotate()] }));
    progress(`round ${round}/${SETTINGS.rounds}: GET /api/user/api-keys (list)`);
    lists.push(await load(`list #${round}`, { url: `${base}/api/user/api-keys`, requests: [rotate()] }));
  }

  progress("POST upsert with validation, PATCH toggle, re-add + DELETE");
  const upsert = await load("POST upsert (validated)", {
    url: `${base}/api/user/api-keys`,
    method: "POST",
    requests: [{ ...rotate(JSON_BODY), body: JSON.stringify({ providerId: providers[0]!.id, apiKey: "sk-test-valid-bench-key-000000000000" }) }],
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
  // Each pass puts a key back (an upsert that skips the check), then deletes it. Passes walk through every
  // (user, provider) pair the other runs did not touch, so concurrent passes never share one and every
  // DELETE finds its key. (autocannon resets `context` on every pass, so a pass carries its pair there.)
  const pairs = cookies.flatMap((cookie) => providers.slice(2).map((p) => ({ cookie, providerId: p.id })));
  let next = 0;
  const deletion = await load("re-add + DELETE", {
    url: `${base}/api/user/api-keys`,
    requests: [
      {
        method: "POST",
        setupRequest: (r, context) => {
          const pair = ((context as { pair?: (typeof pairs)[number] }).pair = pairs[next++ % pairs.length]!);
          const body = { providerId: pair.providerId, apiKey: "sk-test-valid-readd-00000000000000", skipValidation: true };
          return { ...r, headers: { ...r.headers, ...JSON_BODY, cookie: pair.cookie }, body: JSON.stringify(body) };
        },
      },
      {
        method: "DELETE",
        setupRequest: (r, context) => {
          const { pair } = context as { pair: (typeof pairs)[number] };
          return { ...r, headers: { ...r.headers, ...JSON_BODY, cookie: pair.cookie }, body: JSON.stringify({ providerId: pair.providerId }) };
        },
      },
    ],
  });
  return { floors, lists, upsert, toggle, deletion, cookie: cookies[0]! };
}
