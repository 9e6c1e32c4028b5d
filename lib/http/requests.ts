import "server-only";
import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { requestContext } from "@/lib/request-context";

/**
 * Every HTTP request the server receives, seen from Node's own `http.server.request.start` diagnostics channel
 * (published just before the server hands the request to Next, in the same synchronous turn), so it works the
 * same under `next start` and the standalone server. Each request gets its id (a sane incoming `X-Request-Id`,
 * else a fresh UUID), echoed in the answer's `X-Request-Id` and entered into the request context that the
 * logger reads (lib/log.ts); and the requests in flight are counted, so that a shutdown (lib/shutdown.ts) can
 * let them finish.
 */
interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

interface Tracker {
  inFlight: Set<ServerResponse>;
  servers: Set<Server>;
  draining: boolean;
  whenIdle: (() => void)[];
}

const INCOMING_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The request id to use: the caller's when it is a plain token of at most 128 characters, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

function onRequestStart(tracker: Tracker, message: unknown): void {
  const { request, response, server } = message as RequestStart;
  const requestId = requestIdFrom(request.headers["x-request-id"]);
  response.setHeader("X-Request-Id", requestId);
  // Same synchronous turn as the server's 'request' event: everything Next does for this request inherits it.
  requestContext.enterWith({ requestId });

  tracker.servers.add(server);
  // A request that arrives on a kept-alive connection during a shutdown is served, then its connection closed.
  if (tracker.draining) response.setHeader("Connection", "close");
  tracker.inFlight.add(response);
  response.once("close", () => {
    tracker.inFlight.delete(response);
    if (tracker.inFlight.size === 0) tracker.whenIdle.splice(0).forEach((resolve) => resolve());
  });
}

// One tracker per process, whichever bundle calls first (see lib/request-context.ts).
const KEY = Symbol.for("byok.requestTracker");
const holder = globalThis as unknown as { [KEY]?: Tracker };

export function watchRequests(): Tracker {
  if (!holder[KEY]) {
    const tracker: Tracker = { inFlight: new Set(), servers: new Set(), draining: false, whenIdle: [] };
    holder[KEY] = tracker;
    subscribe("http.server.request.start", (message) => onRequestStart(tracker, message));
  }
  return holder[KEY];
}

/**
 * The first step of a shutdown: the instance says it is not ready (GET /api/health answers 503, so a load balancer
 * takes it out of rotation) and closes each connection after its answer, while it still accepts new ones.
 */
export function startDraining(): void {
  watchRequests().draining = true;
}

/** Whether a shutdown has begun (the readiness check answers 503). */
export function isDraining(): boolean {
  return holder[KEY]?.draining ?? false;
}

/**
 * Stops accepting connections (and closes idle kept-alive ones), waits up to `graceMs` for the requests in
 * flight to be answered, then closes whatever connection is left. Says how many requests were in flight when it
 * began and how many had to be cut.
 */
export async function drainRequests(graceMs: number): Promise<{ inFlight: number; cut: number }> {
  startDraining();
  const tracker = watchRequests();
  const inFlight = tracker.inFlight.size;
  for (const server of tracker.servers) server.close();
  if (tracker.inFlight.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => tracker.whenIdle.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }
  const cut = tracker.inFlight.size;
  for (const server of tracker.servers) server.closeAllConnections();
  return { inFlight, cut };
}
