import "server-only";
import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestContext } from "@/lib/request-context";

/**
 * Every HTTP request the server receives, seen from Node's own `http.server.request.start` diagnostics channel
 * (published just before the server hands the request to Next, in the same synchronous turn), so it works the
 * same under `next start` and the standalone server. Each request gets its id (a sane incoming `X-Request-Id`,
 * else a fresh UUID), echoed in the answer's `X-Request-Id` and entered into the request context that the
 * logger reads (lib/log.ts).
 */
interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
}

const INCOMING_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The request id to use: the caller's when it is a plain token of at most 128 characters, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

function onRequestStart(message: unknown): void {
  const { request, response } = message as RequestStart;
  const requestId = requestIdFrom(request.headers["x-request-id"]);
  response.setHeader("X-Request-Id", requestId);
  // Same synchronous turn as the server's 'request' event: everything Next does for this request inherits it.
  requestContext.enterWith({ requestId });
}

// Once per process, whichever bundle calls first (see lib/request-context.ts).
const KEY = Symbol.for("byok.requestWatch");
const holder = globalThis as unknown as { [KEY]?: true };

export function watchRequests(): void {
  if (holder[KEY]) return;
  holder[KEY] = true;
  subscribe("http.server.request.start", onRequestStart);
}
