import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchRequests } from "@/lib/http/requests";
import { log } from "@/lib/log";
import { captureLogs } from "../fixtures/logs";

/**
 * The request id through a real Node HTTP server, as Next's servers receive requests: lib/http/requests.ts
 * watches Node's diagnostics channel, so any handler on any server in this process sees the request's id in its
 * logs and the answer carries it in X-Request-Id.
 */
const logs = captureLogs();
let server: Server;
let url: string;

beforeAll(async () => {
  watchRequests();
  server = createServer(async (request, response) => {
    log.info(`received ${request.url}`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // requests overlap: each keeps its own id
    log.info(`answered ${request.url}`);
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const entriesFor = (path: string) =>
  logs.flatMap((line) => {
    const entry = JSON.parse(line) as { msg: string; requestId?: string };
    return entry.msg.endsWith(` ${path}`) ? [entry] : [];
  });

describe("X-Request-Id", () => {
  it("keeps a sane incoming id, echoes it and stamps every log line of that request with it", async () => {
    const answers = await Promise.all(
      ["one", "two", "three"].map((name) =>
        fetch(`${url}/${name}`, { headers: { "x-request-id": `client-${name}.1:a_b` } }),
      ),
    );
    for (const [i, name] of ["one", "two", "three"].entries()) {
      expect(answers[i]!.headers.get("x-request-id")).toBe(`client-${name}.1:a_b`);
      const entries = entriesFor(`/${name}`);
      expect(entries.map((e) => e.msg)).toEqual([`received /${name}`, `answered /${name}`]);
      expect(entries.every((e) => e.requestId === `client-${name}.1:a_b`)).toBe(true);
    }
  });

  it("replaces a missing, overlong or odd incoming id with a fresh UUID", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const cases: [string, Record<string, string>][] = [
      ["missing", {}],
      ["long", { "x-request-id": "a".repeat(129) }],
      ["odd", { "x-request-id": "id with spaces<script>" }],
      ["injected", { "x-request-id": '","level":"fatal' }],
    ];
    const seen = new Set<string>();
    for (const [name, headers] of cases) {
      const answer = await fetch(`${url}/${name}`, { headers });
      const id = answer.headers.get("x-request-id")!;
      expect(id, name).toMatch(uuid);
      expect(entriesFor(`/${name}`).map((e) => e.requestId)).toEqual([id, id]);
      seen.add(id);
    }
    expect(seen.size).toBe(cases.length);
  });
});
