import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  env,
  envProblems,
  FRAMEWORK_SET,
  PROVIDER_BASE_URL_PREFIX,
  providerBaseUrlOverride,
  VARIABLES,
} from "@/lib/env";

const FAMILY = `${PROVIDER_BASE_URL_PREFIX}<REGISTRYID>`;
const documented = () =>
  [...Object.keys(VARIABLES).filter((name) => !(FRAMEWORK_SET as string[]).includes(name)), FAMILY].sort();

/** The names `.env.example` sets (commented out or not); a provider's base URL counts as the family. */
function exampleNames(): string[] {
  const text = readFileSync(".env.example", "utf8");
  const names = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
  return [...new Set(names.map((name) => (name.startsWith(PROVIDER_BASE_URL_PREFIX) ? FAMILY : name)))].sort();
}

/** The names in the first column of the README's Environment table. */
function readmeNames(): string[] {
  const text = readFileSync("README.md", "utf8");
  const section = text.slice(
    text.indexOf("\n## Environment"),
    text.indexOf("\n### ", text.indexOf("\n## Environment")),
  );
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows
    .flatMap((row) => [...row.split(" | ")[0]!.matchAll(/`([A-Z][A-Z0-9_<>]+)`/g)].map((match) => match[1]!))
    .sort();
}

describe("lib/env.ts", () => {
  const touched = new Set<string>();
  const set = (name: string, value: string | undefined) => {
    touched.add(name);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of touched) set(name, saved[name]);
    touched.clear();
  });

  it("lists the same variables as .env.example and the README's table", () => {
    expect(exampleNames()).toEqual(documented());
    expect(readmeNames()).toEqual(documented());
  });

  it("gives typed values and defaults, and reads a change at once", () => {
    set("DATABASE_POOL_MAX", undefined);
    expect(env("DATABASE_POOL_MAX")).toBe(10);
    set("DATABASE_POOL_MAX", "25");
    expect(env("DATABASE_POOL_MAX")).toBe(25);
    set("DB_AUTO_MIGRATE", "false");
    expect(env("DB_AUTO_MIGRATE")).toBe(false);
    set("DB_AUTO_MIGRATE", "  ");
    expect(env("DB_AUTO_MIGRATE")).toBe(true);
    set("NEXTAUTH_URL", "  https://keys.example.com  ");
    expect(env("NEXTAUTH_URL")).toBe("https://keys.example.com");
  });

  it("reads a value that does not parse as its default, and names it among the problems", () => {
    set("RATE_LIMIT_CHATS_PER_MINUTE", "lots");
    set("LOG_LEVEL", "loud");
    expect(env("RATE_LIMIT_CHATS_PER_MINUTE")).toBe(30);
    expect(env("LOG_LEVEL")).toBe("info");
    expect(envProblems()).toEqual([
      expect.stringMatching(
        /^RATE_LIMIT_CHATS_PER_MINUTE .*\(got "lots"\): playground messages per user per minute\.$/,
      ),
      expect.stringMatching(/^LOG_LEVEL .*\(got "loud"\)/),
    ]);
    set("RATE_LIMIT_CHATS_PER_MINUTE", "12");
    set("LOG_LEVEL", "warn");
    expect(envProblems()).toEqual([]);
  });

  it("never echoes a secret's value in a problem", () => {
    set("DATABASE_URL", "mysql://root:hunter2@db/keys");
    const problems = envProblems();
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ URL: /)]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("reads a provider's base URL without its trailing slash, and refuses one that is not http(s)", () => {
    set("PROVIDER_BASE_URL_OPENAI", "http://127.0.0.1:9999/v1/");
    expect(providerBaseUrlOverride("openai")).toBe("http://127.0.0.1:9999/v1");
    set("PROVIDER_BASE_URL_MISTRAL", "127.0.0.1:9999");
    expect(providerBaseUrlOverride("mistral")).toBeUndefined();
    expect(envProblems()).toEqual([
      expect.stringMatching(/^PROVIDER_BASE_URL_MISTRAL .*where the provider mistral is reached/),
    ]);
  });
});
