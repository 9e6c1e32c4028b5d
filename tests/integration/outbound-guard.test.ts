import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EndpointNotAllowedError } from "@/lib/errors";
import { AnswerTooLargeError } from "@/lib/net/read-limited";
import { checkBaseUrl, createGuardedFetch, type Resolver } from "@/lib/net/outbound";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { refusedByDns, refusedByUrl, resolveTestName } from "../fixtures/refusal-corpus";
import { startTraps, type Traps } from "../fixtures/traps";

/**
 * The outbound guard against real sockets. Traps listen on every local address at one port; each refused URL
 * aims at that port, and the traps prove that no connection ever arrived. Names resolve through a resolver this
 * file controls.
 */
let traps: Traps;
let fake: FakeProviders;
let P: number;

const lookups: string[] = [];
const resolver: Resolver = async (hostname) => {
  lookups.push(hostname);
  return resolveTestName(hostname);
};

// A bound every local answer meets on a busy machine; the slow case sets its own short one.
const guarded = (options: Parameters<typeof createGuardedFetch>[0] = {}) =>
  createGuardedFetch({ resolve: resolver, timeoutMs: 20_000, ...options });

async function refusal(promise: Promise<unknown>): Promise<EndpointNotAllowedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EndpointNotAllowedError);
  return error as EndpointNotAllowedError;
}

beforeAll(async () => {
  traps = await startTraps();
  P = traps.port;
  fake = await startFakeProviders({ slowMs: 10_000 });
});

afterAll(async () => {
  await traps.close();
  await fake.close();
});

beforeEach(() => {
  vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "");
});

describe("the traps", () => {
  it("catch a direct connection to every local address they cover", async () => {
    for (const address of ["127.0.0.1", "127.0.0.2", "127.1.2.3", "0.0.0.0", "::1", "192.0.2.2", "fd00::2"]) {
      if ((address === "192.0.2.2" || address === "fd00::2") && !traps.ownAddresses.some((a) => a.address === address))
        continue;
      await traps.probe(address);
    }
    expect(traps.connections.length).toBeGreaterThanOrEqual(5);
    traps.connections.length = 0;
  });
});

describe("the refusal corpus", () => {
  const byUrl = () => refusedByUrl(P);
  const byDns = () => refusedByDns(P);

  it("has at least 40 URLs and addresses", () => {
    expect(byUrl().length + byDns().length).toBeGreaterThanOrEqual(40);
  });

  it("refuses each by its URL alone, before any lookup or connection, saying why", async () => {
    const fetch = guarded();
    for (const [what, url, why] of byUrl()) {
      expect(() => checkBaseUrl(url), what).toThrow(EndpointNotAllowedError);
      expect(() => checkBaseUrl(url), what).toThrow(why);
      const error = await refusal(fetch(url));
      expect(error.code, what).toBe("endpoint_not_allowed");
    }
    expect(lookups).toEqual([]);
  });

  it("refuses each name by every address it resolves to, with one lookup and before any connection", async () => {
    const fetch = guarded();
    for (const [what, url, why] of byDns()) {
      expect(checkBaseUrl(url), what).toMatch(/^https:\/\//); // the URL itself is fine
      const before = lookups.length;
      const error = await refusal(fetch(`${url}/models`));
      expect(error.message, what).toMatch(why);
      // The kind of address, not the address: the layout of the server's network stays in its log.
      // ("0.0.0.0/8" names its range, so 0.0.0.0 is not looked for.)
      for (const address of resolveTestName(new URL(url).hostname)
        .map((a) => a.address)
        .filter((a) => a !== "0.0.0.0")) {
        expect(error.message, what).not.toContain(address);
      }
      expect(lookups.length - before, what).toBe(1);
    }
  });

  it("never follows a redirect, and says where it pointed when that is refused too", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    const redirecting = await new Promise<Server>((resolve) => {
      const server = createServer((req, res) => {
        res.writeHead(req.url === "/v1/models" ? 302 : 307, { location: `http://127.0.0.2:${P}/latest/meta-data` });
        res.end();
      });
      server.listen(0, "127.0.0.1", () => resolve(server));
    });
    const base = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v1`;
    try {
      const error = await refusal(guarded()(`${base}/models`));
      expect(error.message).toBe(
        `This endpoint is not allowed: it answers with a redirect (to http://127.0.0.2:${P}, itself refused: plain http:// is accepted only for hosts this server allows (ALLOWED_ENDPOINT_HOSTS); use https://), and redirects are never followed.`,
      );
      await refusal(guarded()(`${base}/chat/completions`, { method: "POST", body: "{}" }));
    } finally {
      redirecting.close();
    }
  });

  it("left every trap untouched", () => {
    expect(traps.connections).toEqual([]);
  });
});

describe("what ALLOWED_ENDPOINT_HOSTS opens", () => {
  it("an allowed address is reached (a trap proves the guard would have connected)", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.0/8");
    await guarded()(`http://127.0.0.2:${P}/v1/models`).catch(() => undefined);
    expect(traps.connections).toEqual([`127.0.0.2:${P}`]);
    traps.connections.length = 0;
  });

  it("an allowed name reaches whatever it resolves to, http included", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "localhost");
    const port = new URL(fake.url).port;
    const response = await guarded()(`http://localhost:${port}/open/v1/models`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: "list", data: expect.any(Array) });
  });

  it("an address entry does not open a name that resolves to it, nor another address", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    await refusal(guarded()(`https://loopback.test:${P}/v1/models`));
    await refusal(guarded()(`http://localhost:${P}/v1/models`));
    await refusal(guarded()(`http://127.0.0.2:${P}/v1/models`));
    await refusal(guarded()(`https://[::1]:${P}/v1/models`));
    expect(traps.connections).toEqual([]);
  });

  it("a name that no longer resolves is a network failure, not a refusal", async () => {
    const error = await guarded()("https://gone.test/v1/models").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: "ENOTFOUND" });
  });
});

describe("DNS rebinding", () => {
  it("connects to the address that was checked, however the name answers afterwards", async () => {
    // The fake listens on 127.0.0.1 only; a trap takes 127.0.0.2 at the same port. The name answers 127.0.0.1 to
    // the check and 127.0.0.2 to anything that asks again: only a second lookup could reach the trap.
    const port = Number(new URL(fake.url).port);
    const rebindTrap = await new Promise<Server>((resolve) => {
      const server = createServer((_req, res) => res.end("trap"));
      server.listen(port, "127.0.0.2", () => resolve(server));
    });
    let trapped = 0;
    rebindTrap.on("connection", () => trapped++);
    let answers = 0;
    const rebinding: Resolver = async () => [{ address: answers++ === 0 ? "127.0.0.1" : "127.0.0.2", family: 4 }];
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "rebind.test");
    try {
      const since = fake.requests.length;
      for (let i = 0; i < 3; i++) {
        answers = 0;
        const response = await createGuardedFetch({ resolve: rebinding })(`http://rebind.test:${port}/open/v1/models`);
        expect(response.status).toBe(200);
        expect(answers).toBe(1);
      }
      expect(fake.requests.slice(since).map((r) => r.headers.host)).toEqual(Array(3).fill(`rebind.test:${port}`));
      expect(trapped).toBe(0);
    } finally {
      rebindTrap.close();
    }
  });
});

describe("caps on every answer", () => {
  it("a slow answer ends at the timeout", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    const error = await guarded({ timeoutMs: 300 })(`${fake.endpointURL("keyed")}/models`, {
      headers: { authorization: "Bearer sk-test-slow-1" },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
  });

  it("a huge answer errors once it passes the cap, and a declared huge length before the body is read", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    const response = await guarded({ maxBytes: 64 * 1024 })(`${fake.endpointURL("keyed")}/models`, {
      headers: { authorization: "Bearer sk-test-huge-1" },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeInstanceOf(AnswerTooLargeError);

    const declared = await new Promise<Server>((resolve) => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
        res.write("{");
      });
      server.listen(0, "127.0.0.1", () => resolve(server));
    });
    try {
      const url = `http://127.0.0.1:${(declared.address() as AddressInfo).port}/v1/models`;
      await expect(guarded({ maxBytes: 1024 * 1024 })(url)).rejects.toBeInstanceOf(AnswerTooLargeError);
    } finally {
      declared.closeAllConnections();
      declared.close();
    }
  });
});
