import "server-only";
import { createHash, randomBytes } from "node:crypto";
import ipaddr from "ipaddr.js";

/**
 * The client address for per-address limits, as lib/http/trust-proxy.ts decided it at the socket. That policy
 * rewrites X-Forwarded-For to one trusted address and adds PEER_MARK with a token random per process, which no
 * client can guess: a request without it was never seen by the policy, and its headers are not believed.
 */
const PEER_MARK = "x-byok-peer";

// On globalThis: instrumentation and route handlers are bundled separately, each with its own module instances.
const shared = globalThis as unknown as { __byokPeerToken?: string };
const peerToken = () => (shared.__byokPeerToken ??= randomBytes(18).toString("base64url"));

/** The request headers the policy writes for a client at `address`. */
export function peerHeaders(address: string): Record<string, string> {
  return { "x-forwarded-for": address, [PEER_MARK]: peerToken() };
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function clientAddressFromHeaders(headers: HeaderBag): string {
  if (header(headers, PEER_MARK) !== peerToken()) return "unverified";
  return header(headers, "x-forwarded-for") ?? "unknown";
}

/**
 * A rate-limit key for an address, of bounded size: an IPv4 address as it is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64), anything else (a proxy that forwarded junk) as a short hash.
 */
export function addressKey(address: string): string {
  if (ipaddr.isValid(address)) {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === "ipv4") return parsed.toString();
    return `${(parsed as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4).join(":")}::/64`;
  }
  return `h:${createHash("sha256").update(address).digest("base64url").slice(0, 32)}`;
}
