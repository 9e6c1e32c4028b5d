import { describe, expect, it } from "vitest";
import { EndpointNotAllowedError } from "@/lib/errors";
import { addressProblem, parseAddress } from "@/lib/net/addresses";
import { checkEndpointUrl, normaliseBaseUrl, parseAllowList } from "@/lib/net/endpoint-url";

const problemOf = (text: string) => {
  const address = parseAddress(text);
  if (!address) throw new Error(`not an address: ${text}`);
  return addressProblem(address);
};

describe("address rules", () => {
  const refused: [string, RegExp][] = [
    ["127.0.0.1", /loopback/],
    ["127.42.0.7", /loopback/],
    ["0.0.0.0", /unspecified/],
    ["0.1.2.3", /unspecified/],
    ["10.0.0.1", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.254", /private/],
    ["192.168.1.1", /private/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.127.255.254", /carrier-grade NAT/],
    ["169.254.169.254", /link-local.*metadata/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.250", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.2", /reserved/],
    ["198.18.0.1", /reserved/],
    ["198.51.100.7", /reserved/],
    ["203.0.113.9", /reserved/],
    ["192.0.0.8", /reserved/],
    ["::", /unspecified/],
    ["::1", /loopback/],
    ["fe80::1", /link-local/],
    ["fc00::1", /unique-local/],
    ["fd00::2", /unique-local/],
    ["fd00:ec2::254", /unique-local/],
    ["fec0::1", /site-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["2002:7f00:1::", /6to4/],
    ["2002:808:808::", /6to4/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["::ffff:127.0.0.1", /IPv4-mapped form of a loopback/],
    ["::ffff:169.254.169.254", /IPv4-mapped form of a link-local/],
    ["::ffff:10.0.0.1", /IPv4-mapped form of a private/],
    ["64:ff9b::7f00:1", /NAT64 form of a loopback/],
    ["64:ff9b::a9fe:a9fe", /NAT64 form of a link-local/],
    ["64:ff9b::c0a8:101", /NAT64 form of a private/],
    ["64:ff9b:1::808:808", /local-use NAT64/],
    ["::7f00:1", /outside the global unicast range|IPv4-translated|special/],
    ["::ffff:0:7f00:1", /IPv4-translated/],
    ["100::1", /discard/],
    ["3fff::1", /reserved/],
  ];

  it.each(refused)("refuses %s", (text, reason) => {
    expect(problemOf(text)).toMatch(reason);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("accepts the public address %s", (text) => {
    expect(problemOf(text)).toBeNull();
  });

  it("reads addresses as URLs and DNS write them, and nothing else", () => {
    expect(parseAddress("[::1]")?.toString()).toBe("::1");
    expect(parseAddress("127.0.0.1")?.toString()).toBe("127.0.0.1");
    expect(parseAddress("0x7f.1")).toBeNull();
    expect(parseAddress("2130706433")).toBeNull();
    expect(parseAddress("example.com")).toBeNull();
  });
});

describe("ALLOWED_ENDPOINT_HOSTS", () => {
  it("reads names, addresses and CIDRs, and ignores what is none of them", () => {
    const list = parseAllowList(
      " localhost ,OLLAMA.internal., 127.0.0.1, [::1], 10.0.0.0/8, fd00::/8, *, 10.0.0.0/33, http://x ,, ",
    );
    expect([...list.names]).toEqual(["localhost", "ollama.internal"]);
    expect(list.ranges.map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual([
      "127.0.0.1/32",
      "::1/128",
      "10.0.0.0/8",
      "fd00::/8",
    ]);
    expect(list.invalid).toEqual(["*", "10.0.0.0/33", "http://x"]);
  });

  it("is empty when unset", () => {
    expect(parseAllowList(undefined)).toEqual({ names: new Set(), ranges: [], invalid: [] });
  });
});

describe("URL rules", () => {
  const none = parseAllowList("");
  const refusal = (raw: string, allow = none) => {
    try {
      checkEndpointUrl(raw, allow);
    } catch (error) {
      expect(error).toBeInstanceOf(EndpointNotAllowedError);
      return (error as EndpointNotAllowedError).message;
    }
    throw new Error(`${raw} was accepted`);
  };

  it("accepts https to a public name or address, and stores it normalised", () => {
    const target = checkEndpointUrl("HTTPS://API.Example.COM:443/v1/", none);
    expect(target).toMatchObject({ host: { kind: "name", name: "api.example.com" }, allowed: false });
    expect(normaliseBaseUrl(target)).toBe("https://api.example.com/v1");
    expect(normaliseBaseUrl(checkEndpointUrl("https://8.8.8.8", none))).toBe("https://8.8.8.8");
    expect(normaliseBaseUrl(checkEndpointUrl("https://[2606:4700:4700::1111]:8443/openai/v1//", none))).toBe(
      "https://[2606:4700:4700::1111]:8443/openai/v1",
    );
  });

  it("refuses every other shape, saying why", () => {
    expect(refusal("ftp://example.com/v1")).toBe(
      "This endpoint is not allowed: only https:// URLs are accepted, not ftp:.",
    );
    expect(refusal("https://user:pw@example.com/v1")).toMatch(/user name or password/);
    expect(refusal("https://example.com/v1?api-version=1")).toMatch(/query string/);
    expect(refusal("https://example.com/v1?")).toMatch(/query string/);
    expect(refusal("https://example.com/v1#x")).toMatch(/fragment/);
    expect(refusal("http://example.com/v1")).toMatch(/plain http:\/\/ is accepted only for hosts this server allows/);
    expect(refusal("https://exa\tmple.com/")).toMatch(/control characters/);
    expect(refusal("api.example.com/v1")).toMatch(/is not a URL; enter one such as https:\/\/api.example.com\/v1/);
    expect(refusal("not a url")).toMatch(/spaces or control characters/);
    expect(refusal(`https://example.com/${"a".repeat(2100)}`)).toMatch(/longer than 2048/);
    expect(refusal("https://./v1")).toMatch(/host name is empty/);
  });

  it("judges every spelling of an address in its normalised form", () => {
    for (const raw of [
      "https://2130706433/",
      "https://0177.0.0.1/",
      "https://0x7f.1/",
      "https://127.1/",
      "https://127.0.0.1./",
      "https://%31%32%37.0.0.1/",
      "https://①②⑦.0.0.1/",
    ]) {
      expect(refusal(raw)).toBe("This endpoint is not allowed: 127.0.0.1 is a loopback address (this server itself).");
    }
    expect(refusal("https://[::ffff:127.0.0.1]/")).toMatch(/\[::ffff:7f00:1\] is an IPv4-mapped form of a loopback/);
    expect(refusal("https://0/")).toMatch(/0\.0\.0\.0 is an unspecified/);
    expect(refusal("https://localhost/")).toMatch(/localhost is a name for this server itself/);
    expect(refusal("https://LocalHost./")).toMatch(/localhost\. is a name for this server itself/);
    expect(refusal("https://ollama.localhost/")).toMatch(/loopback/);
  });

  it("opens exactly what ALLOWED_ENDPOINT_HOSTS lists", () => {
    const allow = parseAllowList("localhost,127.0.0.1,10.0.0.0/8,[fd00::2]");
    expect(checkEndpointUrl("http://localhost:11434/v1", allow)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl("http://LOCALHOST.:11434/v1", allow)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl("http://127.0.0.1:8000/v1", allow)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl("http://2130706433:8000/v1", allow)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl("http://10.9.8.7/v1", allow)).toMatchObject({ allowed: true });
    expect(checkEndpointUrl("http://[fd00::2]:8000/v1", allow)).toMatchObject({ allowed: true });
    // An address entry opens that address only; a name entry opens that name only.
    expect(refusal("http://127.0.0.2/v1", allow)).toMatch(/plain http/);
    expect(refusal("https://127.0.0.2/v1", allow)).toMatch(/loopback/);
    expect(refusal("https://[::1]/v1", allow)).toMatch(/loopback/);
    expect(refusal("https://[::ffff:127.0.0.1]/v1", allow)).toMatch(/IPv4-mapped/);
    expect(refusal("https://api.localhost/v1", allow)).toMatch(/loopback/);
    expect(refusal("https://172.16.0.1/v1", allow)).toMatch(/private/);
    // The other rules still hold for allowed hosts.
    expect(refusal("http://localhost:11434/v1?x=1", allow)).toMatch(/query/);
    expect(refusal("http://u:p@localhost:11434/v1", allow)).toMatch(/user name/);
  });

  it("lets request URLs built from a base URL carry a query", () => {
    expect(checkEndpointUrl("https://example.com/v1/models?limit=5", none, { allowQuery: true }).url.search).toBe(
      "?limit=5",
    );
  });
});
