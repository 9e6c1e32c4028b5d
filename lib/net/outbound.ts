import "server-only";
import { env } from "@/lib/env";
import { lookup as systemLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { EndpointNotAllowedError } from "@/lib/errors";
import { AnswerTooLargeError } from "@/lib/net/read-limited";
import { log } from "@/lib/log";
import { addressProblem, parseAddress } from "./addresses";
import {
  type AllowList,
  checkEndpointUrl,
  type EndpointTarget,
  normaliseBaseUrl,
  parseAllowList,
} from "./endpoint-url";

/**
 * The one way this server makes a request to a URL a user chose (a custom endpoint). In order: the URL rules
 * (endpoint-url.ts); the host resolved ONCE and every address checked (addresses.ts) unless ALLOWED_ENDPOINT_HOSTS
 * lists the host; the connection made to exactly those addresses (an undici Agent whose lookup hands them back),
 * with the host name kept for TLS SNI and the Host header, so a DNS answer that changes after the check cannot
 * move it; redirects never followed; every answer capped in size and time. A refusal is an EndpointNotAllowedError
 * (400 `endpoint_not_allowed`), raised before any connection. ESLint keeps `fetch` and socket modules out of the
 * rest of lib/ and app/.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has. Tests pass their own to createGuardedFetch. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GuardOptions {
  /** For the whole exchange: resolution, connection, headers and the last byte of the body. */
  timeoutMs?: number;
  maxBytes?: number;
  resolve?: Resolver;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const systemResolver: Resolver = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

let allowListMemo: { raw: string | undefined; list: AllowList } | undefined;

/** ALLOWED_ENDPOINT_HOSTS, parsed once per value; entries that are not hosts, addresses or CIDRs are ignored. */
export function allowedEndpointHosts(): AllowList {
  const raw = env("ALLOWED_ENDPOINT_HOSTS");
  if (allowListMemo && allowListMemo.raw === raw) return allowListMemo.list;
  const list = parseAllowList(raw);
  if (list.invalid.length > 0) {
    log.warn(
      { scope: "net", ignored: list.invalid },
      "ALLOWED_ENDPOINT_HOSTS: ignoring entries that are not a host name, an address or a CIDR",
    );
  }
  allowListMemo = { raw, list };
  return list;
}

/**
 * The URL rules alone, for creating or changing an endpoint: returns the base URL as it is stored. Host names
 * are resolved and checked on every request instead (an answer checked today says nothing about tomorrow).
 */
export function checkBaseUrl(raw: string): string {
  return normaliseBaseUrl(checkEndpointUrl(raw, allowedEndpointHosts()));
}

/** A failure shaped as fetch's own (TypeError "fetch failed" with the cause), so callers read both alike. */
const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** The addresses to connect to: the IP literal itself, or every address the name resolves to, all checked. */
async function resolveTarget(
  target: EndpointTarget,
  resolve: Resolver,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const { host } = target;
  if (host.kind === "ip") return [{ address: host.address.toString(), family: host.address.kind() === "ipv4" ? 4 : 6 }];
  let addresses: ResolvedAddress[];
  try {
    addresses = await abortable(resolve(target.url.hostname), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw fetchFailed(error);
  }
  if (addresses.length === 0)
    throw fetchFailed(Object.assign(new Error(`${host.name} has no address`), { code: "ENOTFOUND" }));
  if (target.allowed) return addresses;
  for (const { address } of addresses) {
    const parsed = parseAddress(address);
    const problem = parsed ? addressProblem(parsed) : "something that is not an IP address";
    if (problem) {
      log.warn(
        { scope: "net", host: host.name, address, problem },
        `refused ${host.name}: it resolves to ${address} (${problem})`,
      );
      // The address itself stays in the server's log: users learn the kind, not the layout of the network.
      throw new EndpointNotAllowedError(`${host.name} resolves to ${problem}`);
    }
  }
  return addresses;
}

/** A lookup that never asks DNS: it hands back the addresses that were checked. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      return callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
    callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

function redirectRefusal(target: EndpointTarget, location: string): EndpointNotAllowedError {
  let where = "elsewhere";
  let alsoRefused = "";
  try {
    const next = new URL(location, target.url);
    where = `to ${next.origin}`;
    checkEndpointUrl(next.href, allowedEndpointHosts(), { allowQuery: true });
  } catch (error) {
    if (error instanceof EndpointNotAllowedError) alsoRefused = `, itself refused: ${error.reason}`;
  }
  return new EndpointNotAllowedError(
    `it answers with a redirect (${where}${alsoRefused}), and redirects are never followed`,
  );
}

/** The answer as a plain Response whose body errors past `maxBytes`; the agent goes when the body is done. */
function capped(response: Awaited<ReturnType<typeof undiciFetch>>, agent: Agent, maxBytes: number): Response {
  const done = () => void agent.close().catch(() => {});
  const drop = () => void agent.destroy().catch(() => {});
  const init = {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers([...response.headers]),
  };
  if (!response.body || NULL_BODY_STATUSES.has(response.status)) {
    void response.body?.cancel().catch(() => {});
    done();
    return new Response(null, init);
  }
  const reader = response.body.getReader();
  let size = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: finished, value } = await reader.read();
        if (finished) {
          controller.close();
          return done();
        }
        size += value.byteLength;
        if (size > maxBytes) {
          void reader.cancel().catch(() => {});
          controller.error(new AnswerTooLargeError(maxBytes));
          return drop();
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        drop();
      }
    },
    cancel(reason) {
      drop();
      return reader.cancel(reason);
    },
  });
  return new Response(body, init);
}

/**
 * A fetch (the WHATWG signature, e.g. for the AI SDK's `createOpenAICompatible({ fetch })`) that goes through
 * the guard. `resolve` exists for tests; the server always resolves through the system's resolver.
 */
export function createGuardedFetch(options: GuardOptions = {}): FetchFunction {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES, resolve = systemResolver } = options;
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const target = checkEndpointUrl(request?.url ?? String(input), allowedEndpointHosts(), { allowQuery: true });
    const signals = [AbortSignal.timeout(timeoutMs), init.signal ?? request?.signal].filter(
      (s): s is AbortSignal => !!s,
    );
    const signal = AbortSignal.any(signals);
    const addresses = await resolveTarget(target, resolve, signal);

    // The signal bounds the exchange; undici's own timeouts only back it up (a second later, so that a timeout
    // reads as one: the signal's TimeoutError).
    const backstop = timeoutMs + 1_000;
    const agent = new Agent({
      connect: { lookup: pinnedLookup(addresses), timeout: backstop },
      headersTimeout: backstop,
      bodyTimeout: backstop,
    });
    try {
      const response = await undiciFetch(target.url, {
        method: init.method ?? request?.method,
        headers: (init.headers ?? request?.headers) as UndiciRequestInit["headers"],
        body: (init.body ?? request?.body) as UndiciRequestInit["body"],
        duplex: "half",
        redirect: "manual",
        signal,
        dispatcher: agent,
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location !== null) {
        void response.body?.cancel().catch(() => {});
        throw redirectRefusal(target, location);
      }
      if (Number(response.headers.get("content-length")) > maxBytes) {
        void response.body?.cancel().catch(() => {});
        throw new AnswerTooLargeError(maxBytes);
      }
      return capped(response, agent, maxBytes);
    } catch (error) {
      void agent.destroy().catch(() => {});
      throw error;
    }
  };
}

const DEFAULT_PREFLIGHT_MS = 5_000;

/**
 * The guard's judgement of a URL without a request: its rules, then the addresses its host resolves to now. For
 * callers that must answer a refusal (EndpointNotAllowedError, 400 `endpoint_not_allowed`) before they start an
 * answer of their own (the playground's stream); the request itself is judged again, and pinned, when it is made.
 * Only a refusal is thrown: a host that does not resolve, or not within `timeoutMs`, is left for the request to
 * report as it would.
 */
export async function assertUrlAllowed(
  url: string,
  options: { timeoutMs?: number; resolve?: Resolver } = {},
): Promise<void> {
  const target = checkEndpointUrl(url, allowedEndpointHosts());
  try {
    await resolveTarget(
      target,
      options.resolve ?? systemResolver,
      AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PREFLIGHT_MS),
    );
  } catch (error) {
    if (error instanceof EndpointNotAllowedError) throw error;
  }
}

/** The guarded fetch with its default caps (60 s, 10 MiB). */
export const guardedFetch: FetchFunction = createGuardedFetch();
