import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EndpointNotAllowedError } from "@/lib/errors";
import { AnswerTooLargeError } from "@/lib/http/read-limited";
import { checkBaseUrl, createGuardedFetch, type Resolver } from "@/lib/net/outbound";
import { type FakeProviders, startFakeProviders } from "@/dev/fake-providers/server";
import { startTraps, type Traps } from "../fixtures/traps";

/**
 * The outbound guard against real sockets. Traps listen on every local address at one port; each refused URL
 * aims at that port, and the traps prove that no connection ever arrived. Names resolve through a resolver this
 * file controls.
 */
let traps: Traps;
let fake: FakeProviders;
let P: number;

/** What the test resolver answers, name by name; anything else does not resolve. */
const dns: Record<string, string[]> = {
  "loopback.test": ["127.0.0.1"],
  "alias.test": ["127.0.0.2"],
  "ip6-loopback.test": ["::1"],
  "metadata.test": ["169.254.169.254"],
  "metadata6.test": ["fd00:ec2::254"],
  "private.test": ["10.1.2.3"],
  "private172.test": ["172.20.0.5"],
  "home.test": ["192.168.0.10"],
  "cgnat.test": ["100.64.0.9"],
  "unspecified.test": ["0.0.0.0"],
  "mapped.test": ["::ffff:127.0.0.1"],
  "nat64.test": ["64:ff9b::a9fe:a9fe"],
  "ula.test": ["fd00::2"],
  "linklocal6.test": ["fe80::1"],
  "mixed.test": ["93.184.216.34", "127.0.0.1"],
  "mixed6.test": ["2606:4700:4700::1111", "::1"],
  "own.test": ["192.0.2.2"],
  "localhost": ["127.0.0.1", "::1"],
};
const lookups: string[] = [];
const resolver: Resolver = async (hostname) => {
  lookups.push(hostname);
  const answer = dns[hostname.replace(/\.$/, "")];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const guarded = (options: Parameters<typeof createGuardedFetch>[0] = {}) => createGuardedFetch({ resolve: resolver, timeoutMs: 3_000, ...options });

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
      if ((address === "192.0.2.2" || address === "fd00::2") && !traps.ownAddresses.some((a) => a.address === address)) continue;
      await traps.probe(address);
    }
    expect(traps.connections.length).toBeGreaterThanOrEqual(5);
    traps.connections.length = 0;
  });
});

describe("the refusal corpus", () => {
  // [what, URL, why]: every URL the base-URL rules refuse outright (no DNS needed) is refused by the guard too.
  const byUrl = (): [string, string, RegExp][] => [
    ["ftp scheme", `ftp://127.0.0.1:${P}/v1`, /only https:\/\//],
    ["file scheme", "file:///etc/passwd", /only https:\/\//],
    ["gopher scheme", `gopher://127.0.0.1:${P}/_`, /only https:\/\//],
    ["ws scheme", `ws://127.0.0.1:${P}/v1`, /only https:\/\//],
    ["javascript scheme", "javascript:alert(1)", /only https:\/\//],
    ["data scheme", "data:text/plain,hello", /only https:\/\//],
    ["user and password", `https://admin:secret@127.0.0.1:${P}/v1`, /user name or password/],
    ["user only", `https://admin@example.com/v1`, /user name or password/],
    ["a query", `https://127.0.0.1:${P}/v1?next=/admin`, /query string/],
    ["a fragment", `https://127.0.0.1:${P}/v1#top`, /fragment/],
    ["plain http to a public host", "http://api.example.com/v1", /plain http:\/\//],
    ["plain http to a public address", "http://8.8.8.8/v1", /plain http:\/\//],
    ["plain http to loopback", `http://127.0.0.1:${P}/v1`, /plain http:\/\//],
    ["loopback", `https://127.0.0.1:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["a 127.x alias", `https://127.0.0.2:${P}/v1`, /127\.0\.0\.2 is a loopback/],
    ["another 127.x alias", `https://127.1.2.3:${P}/v1`, /loopback/],
    ["loopback in decimal", `https://2130706433:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback in octal", `https://0177.0.0.1:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback in short hex", `https://0x7f.1:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback in long hex", `https://0x7f000001:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback shortened", `https://127.1:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback with a trailing dot", `https://127.0.0.1.:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback percent-encoded", `https://%31%32%37.0.0.1:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["loopback in full-width digits", `https://１２７.０.０.１:${P}/v1`, /127\.0\.0\.1 is a loopback/],
    ["IPv6 loopback", `https://[::1]:${P}/v1`, /\[::1\] is the loopback/],
    ["IPv6 loopback written out", `https://[0:0:0:0:0:0:0:1]:${P}/v1`, /\[::1\] is the loopback/],
    ["IPv4-mapped loopback", `https://[::ffff:127.0.0.1]:${P}/v1`, /IPv4-mapped form of a loopback/],
    ["IPv4-mapped loopback in hex", `https://[::ffff:7f00:1]:${P}/v1`, /IPv4-mapped form of a loopback/],
    ["NAT64 loopback", `https://[64:ff9b::127.0.0.1]:${P}/v1`, /NAT64 form of a loopback/],
    ["6to4 loopback", `https://[2002:7f00:1::]:${P}/v1`, /6to4/],
    ["IPv4-compatible loopback", `https://[::127.0.0.1]:${P}/v1`, /outside the global unicast|special/],
    ["localhost", `https://localhost:${P}/v1`, /localhost is a name for this server itself/],
    ["LOCALHOST with a trailing dot", `https://LOCALHOST.:${P}/v1`, /name for this server itself/],
    ["a name under localhost", `https://ollama.localhost:${P}/v1`, /name for this server itself/],
    ["unspecified", `https://0.0.0.0:${P}/v1`, /0\.0\.0\.0 is an unspecified/],
    ["unspecified as 0", `https://0:${P}/v1`, /0\.0\.0\.0 is an unspecified/],
    ["IPv6 unspecified", `https://[::]:${P}/v1`, /unspecified/],
    ["cloud metadata", "https://169.254.169.254/latest/meta-data/iam", /169\.254\.169\.254 is a link-local address.*metadata/],
    ["cloud metadata in decimal", "https://2852039166/latest/meta-data", /169\.254\.169\.254 is a link-local/],
    ["cloud metadata IPv4-mapped", "https://[::ffff:169.254.169.254]/latest", /IPv4-mapped form of a link-local/],
    ["cloud metadata NAT64", "https://[64:ff9b::a9fe:a9fe]/latest", /NAT64 form of a link-local/],
    ["cloud metadata over IPv6", "https://[fd00:ec2::254]/latest", /unique-local/],
    ["IPv6 link-local", `https://[fe80::1]:${P}/v1`, /link-local/],
    ["private 10/8", "https://10.0.0.1/v1", /private network/],
    ["private 172.16/12", "https://172.16.0.1/v1", /private network/],
    ["private 192.168/16", "https://192.168.1.1/v1", /private network/],
    ["private IPv4-mapped", "https://[::ffff:192.168.1.1]/v1", /IPv4-mapped form of a private/],
    ["unique-local fc00::/7", "https://[fc00::1]/v1", /unique-local/],
    ["this machine's unique-local address", `https://[fd00::2]:${P}/v1`, /unique-local/],
    ["this machine's own address (documentation range)", `https://192.0.2.2:${P}/v1`, /reserved/],
    ["carrier-grade NAT", "https://100.64.0.1/v1", /carrier-grade NAT/],
    ["multicast", "https://224.0.0.1/v1", /multicast/],
    ["IPv6 multicast", "https://[ff02::1]/v1", /multicast/],
    ["broadcast", "https://255.255.255.255/v1", /broadcast/],
    ["reserved 240/4", "https://240.0.0.1/v1", /reserved/],
    ["benchmarking 198.18/15", "https://198.18.0.1/v1", /reserved/],
    ["documentation IPv6", "https://[2001:db8::1]/v1", /documentation/],
    ["Teredo", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/v1", /Teredo/],
  ];

  // [what, URL, why]: names that pass the URL rules but resolve (through the test resolver) to refused addresses.
  const byDns = (): [string, string, RegExp][] => [
    ["a name for loopback", `https://loopback.test:${P}/v1`, /loopback\.test resolves to a loopback/],
    ["a trailing-dot name for loopback", `https://loopback.test.:${P}/v1`, /resolves to a loopback/],
    ["an upper-case name for loopback", `https://LOOPBACK.test:${P}/v1`, /resolves to a loopback/],
    ["a name for a 127.x alias", `https://alias.test:${P}/v1`, /resolves to a loopback/],
    ["a name for IPv6 loopback", `https://ip6-loopback.test:${P}/v1`, /resolves to the loopback/],
    ["a name for cloud metadata", `https://metadata.test:${P}/v1`, /resolves to a link-local/],
    ["a name for IPv6 cloud metadata", `https://metadata6.test:${P}/v1`, /resolves to a unique-local/],
    ["a name for 10/8", `https://private.test:${P}/v1`, /resolves to a private network/],
    ["a name for 172.16/12", `https://private172.test:${P}/v1`, /resolves to a private network/],
    ["a name for 192.168/16", `https://home.test:${P}/v1`, /resolves to a private network/],
    ["a name for CGNAT", `https://cgnat.test:${P}/v1`, /resolves to a carrier-grade NAT/],
    ["a name for 0.0.0.0", `https://unspecified.test:${P}/v1`, /resolves to an unspecified/],
    ["a name for IPv4-mapped loopback", `https://mapped.test:${P}/v1`, /resolves to an IPv4-mapped form of a loopback/],
    ["a name for NAT64 metadata", `https://nat64.test:${P}/v1`, /resolves to a NAT64 form of a link-local/],
    ["a name for a unique-local address", `https://ula.test:${P}/v1`, /resolves to a unique-local/],
    ["a name for IPv6 link-local", `https://linklocal6.test:${P}/v1`, /resolves to a link-local/],
    ["a name with one public and one loopback address", `https://mixed.test:${P}/v1`, /resolves to a loopback/],
    ["a name with one public and one IPv6 loopback address", `https://mixed6.test:${P}/v1`, /resolves to the loopback/],
    ["a name for this machine's own address", `https://own.test:${P}/v1`, /resolves to a reserved/],
  ];

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
      for (const address of dns[new URL(url).hostname.replace(/\.$/, "")]!.filter((a) => a !== "0.0.0.0")) {
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
    const error = await guarded({ timeoutMs: 300 })(`${fake.endpointURL("keyed")}/models`, { headers: { authorization: "Bearer sk-test-slow-1" } }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("TimeoutError");
  });

  it("a huge answer errors once it passes the cap, and a declared huge length before the body is read", async () => {
    vi.stubEnv("ALLOWED_ENDPOINT_HOSTS", "127.0.0.1");
    const response = await guarded({ maxBytes: 64 * 1024 })(`${fake.endpointURL("keyed")}/models`, { headers: { authorization: "Bearer sk-test-huge-1" } });
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
