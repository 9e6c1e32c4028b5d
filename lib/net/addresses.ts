import ipaddr from "ipaddr.js";

/**
 * Which IP addresses a custom endpoint may be reached at: ordinary public unicast addresses only. Everything a
 * server can reach but the public cannot (loopback, private networks, cloud metadata, carrier-grade NAT) is
 * refused, and so is everything special-purpose (unspecified, multicast, reserved, documentation, benchmarking).
 * IPv6 forms that carry an IPv4 address inside are judged by that address.
 */

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

// ipaddr.js names each special range; each refused one gets the words the user reads.
const IPV4_RANGES: Record<string, string> = {
  unspecified: "an unspecified address (0.0.0.0/8)",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (169.254.0.0/16, where cloud metadata services answer)",
  loopback: "a loopback address (this server itself)",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private network address",
  reserved: "a reserved, documentation or benchmarking address",
  as112: "a reserved DNS sink address (AS112)",
  amt: "a reserved multicast tunnelling address (AMT)",
};

const IPV6_RANGES: Record<string, string> = {
  unspecified: "the unspecified address (::)",
  linkLocal: "a link-local address (fe80::/10)",
  multicast: "a multicast address",
  loopback: "the loopback address (this server itself)",
  uniqueLocal: "a unique-local (private) address (fc00::/7)",
  deprecatedSiteLocal: "a site-local (private) address (fec0::/10)",
  discard: "a discard-only address (100::/64)",
  rfc6145: "an IPv4-translated address (::ffff:0:0:0/96)",
  rfc6052: "a local-use NAT64 address (64:ff9b:1::/48)",
  "6to4": "a 6to4 address (2002::/16)",
  teredo: "a Teredo tunnel address (2001::/32)",
  benchmarking: "a benchmarking address (2001:2::/48)",
  amt: "a reserved multicast tunnelling address (AMT)",
  as112v6: "a reserved DNS sink address (AS112)",
  deprecatedOrchid: "a reserved ORCHID address",
  orchid2: "a reserved ORCHID address",
  droneRemoteIdProtocolEntityTags: "a reserved drone identity address",
  segmentRouting: "a segment-routing address (5f00::/16)",
  reserved: "a reserved or documentation address",
};

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");
const NAT64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

/** The IPv4 address inside a NAT64 (64:ff9b::/96) address: its last 32 bits. */
function nat64Embedded(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
}

/** Why this address may not be reached, or null when it is an ordinary public address. */
export function addressProblem(address: Address): string | null {
  if (address.kind() === "ipv4") {
    const range = address.range();
    return range === "unicast" ? null : (IPV4_RANGES[range] ?? "a special-purpose address");
  }
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) {
    const inner = addressProblem(v6.toIPv4Address());
    return inner ? `an IPv4-mapped form of ${inner}` : null;
  }
  if (v6.match(NAT64)) {
    const inner = addressProblem(nat64Embedded(v6));
    return inner ? `a NAT64 form of ${inner}` : null;
  }
  const range = v6.range();
  if (range !== "unicast") return IPV6_RANGES[range] ?? "a special-purpose address";
  if (!v6.match(GLOBAL_UNICAST)) return "an address outside the global unicast range (2000::/3)";
  return null;
}

/** Parses an address as written in a URL host (`[::1]`) or returned by DNS; null when it is not one. */
export function parseAddress(text: string): Address | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  // isValid accepts the legacy IPv4 spellings (0x7f.1, 2130706433); only the dotted four-part form is an
  // address here: WHATWG URL has already rewritten the others, and DNS never returns them.
  if (ipaddr.IPv4.isValid(bare) && !ipaddr.IPv4.isValidFourPartDecimal(bare)) return null;
  return ipaddr.parse(bare);
}

export type Cidr = [Address, number];

export function parseCidr(text: string): Cidr | null {
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    return null;
  }
}

export function inCidr(address: Address, [network, bits]: Cidr): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}
