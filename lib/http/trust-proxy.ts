import "server-only";
import { env } from "@/lib/env";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import ipaddr from "ipaddr.js";
import { peerHeaders } from "@/lib/http/client-address";

/**
 * TRUST_PROXY: how many proxies in front of the app append to X-Forwarded-For. Unset or 0: none, and the client
 * address is the TCP peer. N: the N-th address from the right of X-Forwarded-For.
 */
export function trustProxyHops(value = env("TRUST_PROXY")): number {
  const text = value?.trim() ?? "";
  if (text === "" || text === "false") return 0;
  const hops = Number(text);
  if (!Number.isInteger(hops) || hops < 0 || hops > 20) {
    throw new Error(`TRUST_PROXY must be the number of proxies in front of the app (0 to 20), got "${value}".`);
  }
  return hops;
}

/** The one address the policy trusts, from the TCP peer and the X-Forwarded-For chain. */
export function clientAddressFor(peer: string | undefined, forwardedFor: string | undefined, hops: number): string {
  const chain =
    hops === 0
      ? []
      : (forwardedFor ?? "")
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean);
  const address = chain.length === 0 ? (peer ?? "unknown") : chain[Math.max(chain.length - hops, 0)]!;
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address;
}

interface RequestStart {
  request: IncomingMessage;
  socket: Socket;
}

const installed = globalThis as unknown as { __byokClientAddressPolicy?: boolean };

/**
 * Route handlers never see the socket, and `next start` keeps a client-sent X-Forwarded-For (it only fills the
 * header when it is missing). Node publishes `http.server.request.start` synchronously, before the server's
 * request event, with the request and its socket: the policy REPLACES X-Forwarded-For there with the one address
 * it trusts, and marks the request (lib/http/client-address.ts), so everything downstream reads a trusted single
 * value. Installed once per process from instrumentation.ts, which `next start` (and a standalone server.js)
 * runs in the process that owns the HTTP server. Requests that arrived before it was installed carry no valid
 * mark and share one "unverified" address.
 */
export function installClientAddressPolicy(): void {
  if (installed.__byokClientAddressPolicy) return;
  installed.__byokClientAddressPolicy = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as RequestStart;
    const forwarded = request.headers["x-forwarded-for"];
    const chain = Array.isArray(forwarded) ? forwarded.join(",") : forwarded;
    const address = clientAddressFor(socket.remoteAddress, chain, trustProxyHops());
    delete request.headers["x-real-ip"];
    Object.assign(request.headers, peerHeaders(address));
  });
}
