import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The lint rules that keep every user-chosen URL behind the guard (eslint.config.mjs) do fire. */
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the outbound guard is the only way out", () => {
  const sneaky: [string, string][] = [
    ["a plain fetch", "export const f = (url: string) => fetch(url);"],
    ["fetch through globalThis", "export const f = (url: string) => globalThis.fetch(url);"],
    ["node:http", 'import { request } from "node:http";\nexport const r = request;'],
    ["https", 'import https from "https";\nexport const h = https;'],
    ["node:net", 'import { connect } from "node:net";\nexport const c = connect;'],
    ["node:tls", 'import { connect } from "node:tls";\nexport const c = connect;'],
    ["undici", 'import { request } from "undici";\nexport const r = request;'],
    ["node:dns/promises", 'import { lookup } from "node:dns/promises";\nexport const l = lookup;'],
  ];

  it.each(sneaky)(
    "%s in lib/ is an error",
    async (_what, code) => {
      const found = await problems(code, "lib/providers/sneaky.ts");
      expect(found.join("\n")).toMatch(/lib\/net\/outbound\.ts/);
    },
    30_000,
  );

  it("app/ is held to the same rules", async () => {
    expect(
      (await problems("export const f = () => fetch('https://example.com');", "app/api/sneaky/route.ts")).join("\n"),
    ).toMatch(/outbound/);
  }, 30_000);

  it("the guard itself, the browser helpers and the built-in key checks may use them", async () => {
    expect(
      await problems('import { request } from "undici";\nexport const r = request;', "lib/net/outbound.ts"),
    ).toEqual([]);
    expect(await problems("export const f = (url: string) => fetch(url);", "lib/client/sneaky.ts")).toEqual([]);
  }, 30_000);
});
