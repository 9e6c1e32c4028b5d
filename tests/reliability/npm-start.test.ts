import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "@/dev/app-server";

/**
 * `npm start` (scripts/start.mjs) on the production build: the standalone server the build made, with no warning
 * that the start command does not fit the build; PORT honoured, the page's static files served, SIGTERM drained
 * to exit 0; and a configuration with several problems names every one of them in a single start.
 */
const dataDir = mkdtempSync(join(tmpdir(), "byok-npm-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start", () => {
  it("serves the build on PORT without the standalone warning, with its static files, and stops on SIGTERM with exit 0", async () => {
    const server = await startApp({
      npmStart: true,
      env: {
        PGLITE_DIR: join(dataDir, "pglite"),
        API_KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      },
    });
    try {
      const page = await fetch(`${server.url}/login`);
      expect(page.status).toBe(200);
      const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await page.text())?.[1];
      expect(script, "the page names its scripts").toBeDefined();
      expect((await fetch(`${server.url}${script}`)).status).toBe(200);
      expect((await fetch(`${server.url}/favicon.ico`)).headers.get("content-type")).toMatch(/icon/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output.join("")).not.toMatch(/does not work with "output: standalone"/);
  });

  it("names every configuration problem at once, then exits 1", async () => {
    const failed = await startApp({
      npmStart: true,
      timeoutMs: 60_000,
      env: {
        PGLITE_DIR: join(dataDir, "refused"),
        API_KEY_ENCRYPTION_KEYS: "",
        NEXTAUTH_SECRET: "",
        NEXTAUTH_URL: "",
        TRUST_PROXY: "several",
      },
    }).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/exited before it was ready/);
    for (const variable of ["API_KEY_ENCRYPTION_KEYS", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "TRUST_PROXY"])
      expect(failed).toContain(variable);
    expect(failed).toContain("4 problems in its configuration");
  });
});
