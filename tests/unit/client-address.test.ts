import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { addressKey, clientAddressFromHeaders, peerHeaders } from "@/lib/http/client-address";
import { clientAddressFor, installClientAddressPolicy } from "@/lib/http/trust-proxy";

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** A real Node HTTP server that answers with the client address the app reads, as a route handler would. */
async function addressSeenByApp(sentHeaders: Record<string, string>): Promise<string> {
  const server = createServer((request, response) => response.end(clientAddressFromHeaders(toHeaders(request))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/`, { headers: sentHeaders })).text();
  } finally {
    server.close();
  }
}

describe("the client address behind TRUST_PROXY", () => {
  afterEach(() => {
    delete process.env.TRUST_PROXY;
  });

  it("by default is the TCP peer: a client-sent X-Forwarded-For is ignored", async () => {
    installClientAddressPolicy();
    expect(await addressSeenByApp({ "x-forwarded-for": "6.6.6.6" })).toBe("127.0.0.1");
    expect(await addressSeenByApp({ "x-forwarded-for": "6.6.6.6", "x-real-ip": "7.7.7.7" })).toBe("127.0.0.1");
    expect(await addressSeenByApp({})).toBe("127.0.0.1");
  });

  it("with TRUST_PROXY=1 is the last X-Forwarded-For entry (what our one proxy saw)", async () => {
    installClientAddressPolicy();
    process.env.TRUST_PROXY = "1";
    expect(await addressSeenByApp({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" })).toBe("203.0.113.9");
    expect(await addressSeenByApp({})).toBe("127.0.0.1");
  });

  it("cannot be forged by sending the header the policy writes", async () => {
    installClientAddressPolicy();
    const forged = { ...peerHeaders("6.6.6.6"), "x-byok-peer": "guessed" };
    expect(await addressSeenByApp(forged)).toBe("127.0.0.1");
  });

  it("is 'unverified' for a request the policy never saw, whatever it claims", () => {
    expect(clientAddressFromHeaders(new Headers({ "x-forwarded-for": "6.6.6.6" }))).toBe("unverified");
    expect(clientAddressFromHeaders(new Headers(peerHeaders("10.0.0.1")))).toBe("10.0.0.1");
  });
});

describe("clientAddressFor", () => {
  it.each([
    [0, "1.1.1.1, 2.2.2.2", "9.9.9.9"],
    [1, "1.1.1.1, 2.2.2.2", "2.2.2.2"],
    [2, "1.1.1.1, 2.2.2.2", "1.1.1.1"],
    [3, "1.1.1.1, 2.2.2.2", "1.1.1.1"],
    [1, undefined, "9.9.9.9"],
    [1, " , ", "9.9.9.9"],
  ] as const)("TRUST_PROXY=%i, X-Forwarded-For %j → %s", (hops, forwarded, expected) => {
    expect(clientAddressFor("9.9.9.9", forwarded, hops)).toBe(expected);
  });

  it("names an IPv4 peer without its IPv6 mapping", () => {
    expect(clientAddressFor("::ffff:10.1.2.3", undefined, 0)).toBe("10.1.2.3");
  });
});

describe("addressKey: rate-limit keys of bounded size", () => {
  it("keeps IPv4, and groups IPv6 by /64", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:0db8:0001:0002:ffff:1:2:3"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
  });

  it("hashes anything that is not an address, to a short fixed length", () => {
    const huge = "x".repeat(8_000);
    expect(addressKey(huge).length).toBeLessThanOrEqual(40);
    expect(addressKey(huge)).toBe(addressKey(huge));
    expect(addressKey(huge)).not.toBe(addressKey(`${huge}y`));
  });
});
