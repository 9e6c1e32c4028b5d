import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/log";
import { requestContext } from "@/lib/request-context";

/** A logger writing into an array, one parsed JSON object per line. */
function collect(level?: string) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("the server's logger", () => {
  it("writes one JSON object per line, with the level's name, an ISO time and the message", async () => {
    const { logger, lines, entries } = collect();
    logger.info({ scope: "test" }, "first");
    logger.error("second\nstill the second");
    await flush();
    expect(lines).toHaveLength(2);
    expect(entries()[0]).toMatchObject({ level: "info", scope: "test", msg: "first", pid: process.pid });
    expect(new Date(String(entries()[0]!.time)).toISOString()).toBe(entries()[0]!.time);
    expect(entries()[1]).toMatchObject({ level: "error", msg: "second\nstill the second" });
  });

  it("honours the level (LOG_LEVEL)", async () => {
    const { logger, entries } = collect("warn");
    logger.debug("hidden");
    logger.info("hidden too");
    logger.warn("shown");
    await flush();
    expect(entries().map((e) => e.msg)).toEqual(["shown"]);
    const verbose = collect("debug");
    verbose.logger.debug("shown in debug");
    await flush();
    expect(verbose.entries().map((e) => e.msg)).toEqual(["shown in debug"]);
  });

  it("censors fields named like secrets, at the top and one level down", async () => {
    const { logger, lines, entries } = collect();
    const secret = "sk-test-valid-0123456789abcdef";
    logger.info(
      {
        apiKey: secret,
        password: secret,
        token: secret,
        provider: "openai",
        request: { cookie: secret, authorization: secret },
      },
      "saved",
    );
    await flush();
    expect(lines.join("\n")).not.toContain(secret);
    expect(entries()[0]).toMatchObject({
      apiKey: "[redacted]",
      password: "[redacted]",
      token: "[redacted]",
      provider: "openai",
      request: { cookie: "[redacted]", authorization: "[redacted]" },
    });
  });

  it("stamps every line written while a request is served with its id, and no other line", async () => {
    const { logger, entries } = collect();
    logger.info("before");
    await Promise.all(
      ["req-a", "req-b"].map((requestId) =>
        requestContext.run({ requestId }, async () => {
          logger.info(`start ${requestId}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          logger.info(`end ${requestId}`);
        }),
      ),
    );
    await flush();
    const byMessage = Object.fromEntries(entries().map((e) => [e.msg, e.requestId]));
    expect(byMessage).toEqual({
      before: undefined,
      "start req-a": "req-a",
      "end req-a": "req-a",
      "start req-b": "req-b",
      "end req-b": "req-b",
    });
  });
});
