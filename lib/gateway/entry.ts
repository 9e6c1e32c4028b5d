import "server-only";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { env, isProduction } from "@/lib/env";
import { log } from "@/lib/log";
import { API_HEADERS } from "@/lib/http/security-headers";
import { GatewayError, gatewayErrorResponse } from "./errors";
import { GATEWAY_ROUTES, type GatewayHandler } from "./routes";

/**
 * The gateway's own entry: in a production server, a request for one of the gateway's routes (GATEWAY_ROUTES, by
 * exact path and method) is answered by the same handler Next's route would run, straight from Node's HTTP server,
 * without Next's router in between; everything else (other paths, methods, a trailing slash) goes to Next as
 * before. Next's routing costs more per request than the whole gateway does without it (`npm run bench`, the
 * gateway section's "through Next.js" column), and this is the path every tool's request takes.
 *
 * Installed from instrumentation.ts. The server is found on its first request (Node's `http.server.request.start`
 * channel publishes before the server's 'request' event, in the same turn), and its 'request' listener, Next's, is
 * put behind a dispatcher: EventEmitter's own API, no private field of Next's. What Next would add to these answers
 * is added here: the API's security headers (next.config.ts's, API_HEADERS); the request id, HSTS and the count of
 * requests in flight come from that channel (lib/http/requests.ts, lib/http/site-headers.ts) whichever serves it.
 * `next dev` keeps Next's routing (hot reload), and GATEWAY_ENTRY=next keeps it in production too.
 */

const KEY = Symbol.for("byok.gatewayEntry");
const holder = globalThis as unknown as { [KEY]?: WeakSet<Server> };

/** Installs the entry once per process (production, GATEWAY_ENTRY=direct); returns how to take it out (tests). */
export function installGatewayEntry(): (() => void) | undefined {
  if (holder[KEY] || !isProduction() || env("GATEWAY_ENTRY") !== "direct") return undefined;
  const taken = (holder[KEY] = new WeakSet<Server>());
  const onStart = (message: unknown) => {
    const { server } = message as { server: Server };
    if (!taken.has(server)) {
      taken.add(server);
      takeRequests(server);
    }
  };
  subscribe("http.server.request.start", onStart);
  return () => {
    unsubscribe("http.server.request.start", onStart);
    delete holder[KEY];
  };
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

function takeRequests(server: Server): void {
  const others = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const handler = gatewayHandler(request);
    if (handler)
      serve(handler, request, response).catch((error: unknown) => {
        // Nothing may escape as an unhandled rejection (it would end the process): the connection is closed.
        log.error({ scope: "gateway", reason: String(error) }, "a gateway answer could not be sent");
        response.destroy();
      });
    else for (const listener of others) listener.call(server, request, response);
  });
}

function gatewayHandler(request: IncomingMessage): GatewayHandler | undefined {
  const url = request.url ?? "";
  if (!url.startsWith("/api/v1/")) return undefined;
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const route = (GATEWAY_ROUTES as Record<string, Partial<Record<string, GatewayHandler>>>)[path];
  return route?.[request.method ?? ""];
}

async function serve(handler: GatewayHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const gone = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) gone.abort();
  });
  const format = request.url?.startsWith("/api/v1/messages") ? "anthropic" : "openai";
  let answer: Response;
  try {
    let webRequest: Request;
    try {
      webRequest = toWebRequest(request, gone.signal);
    } catch {
      // A Host that makes no URL, a header undici refuses: Next would not have routed it either.
      throw new GatewayError("invalid_request", "invalid_request", "The request's Host or headers are not valid.");
    }
    answer = await handler(webRequest);
  } catch (error) {
    answer = gatewayErrorResponse(format, error, "gateway entry");
  }
  await send(answer, response, gone.signal);
}

function toWebRequest(request: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/1's connection-level headers are not the request's (undici's Request refuses some of them).
    if (!/^(connection|keep-alive|transfer-encoding|upgrade|proxy-connection)$/i.test(name))
      headers.append(name, raw[i + 1]!);
  }
  const method = request.method ?? "GET";
  const body =
    method === "GET" || method === "HEAD" ? undefined : (Readable.toWeb(request) as ReadableStream<Uint8Array>);
  return new Request(`http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`, {
    method,
    headers,
    body,
    signal,
    duplex: "half",
  } as RequestInit);
}

/** The answer written out as it comes: a streamed one chunk by chunk, waiting when the caller reads slowly. */
async function send(answer: Response, response: ServerResponse, gone: AbortSignal): Promise<void> {
  response.statusCode = answer.status;
  for (const [name, value] of API_HEADERS) response.setHeader(name, value);
  answer.headers.forEach((value, name) => response.setHeader(name, value));
  if (!answer.body) {
    response.end();
    return;
  }
  const reader = answer.body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  gone.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!response.write(value)) await drained(response);
      if (gone.aborted) return;
    }
    response.end();
  } catch (error) {
    // The answer's body failed after its headers went out: the connection is closed, as Next closes it.
    log.warn({ scope: "gateway", reason: String(error) }, "a gateway answer broke off while it was sent");
    response.destroy();
  } finally {
    gone.removeEventListener("abort", cancel);
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
