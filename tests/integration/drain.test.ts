import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { drainRequests, watchRequests } from "@/lib/http/requests";

/**
 * What a shutdown does to the HTTP side (lib/http/requests.ts), on a real Node server: connections are refused at
 * once, the requests in flight are answered, and those still running after the grace period are cut. (The whole
 * shutdown of `next start`, signal to exit code, is tests/reliability/shutdown.test.ts.)
 */
async function server(handler: (release: Promise<void>) => Promise<void>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  const http: Server = createServer(async (request, response) => {
    started.push(request.url!);
    await handler(gate);
    response.end("done");
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as { port: number }).port;
  return { port, url: `http://127.0.0.1:${port}`, release, started };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("draining the server's requests", () => {
  it("refuses new connections at once, then waits for the request in flight and lets it answer", async () => {
    watchRequests();
    const { port, url, release, started } = await server((gate) => gate);
    const answer = fetch(`${url}/slow`).then((r) => r.text());
    await until(() => started.length === 1);

    const drained = drainRequests(10_000);
    expect(await refused(port)).toBe(true);
    release();
    expect(await answer).toBe("done");
    expect(await drained).toEqual({ inFlight: 1, cut: 0 });
  });

  it("cuts what is still running after the grace period", async () => {
    const { url, started } = await server(() => new Promise(() => {}));
    const answer = fetch(`${url}/never`).then(
      () => "answered",
      () => "cut",
    );
    await until(() => started.length === 1);
    expect(await drainRequests(50)).toEqual({ inFlight: 1, cut: 1 });
    expect(await answer).toBe("cut");
  });
});
