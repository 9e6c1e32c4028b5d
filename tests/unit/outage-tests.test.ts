import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Tests that take the database down (tests/fixtures/outage.ts) wait for one outage each. On PGlite every outage
 * after the first reopens the engine the app let go of (seconds on a busy machine); a loop of them in one test ran
 * past the test's 30 s while other builds ran (issue 22, item 8). One outage per test bounds each test by the
 * events it waits for, not by how idle the machine is. This reads the test files: a `takeDown()` inside a loop of
 * its test, or two in one test, fails here with the file and the test's title.
 */
const root = join(process.cwd(), "tests");
const TEST_START = /\bit(?:\.each\([\s\S]*?\))?\(\s*["'`]([^"'`]*)/g;
const LOOP = /\bfor\s*\(|\bwhile\s*\(|\.forEach\(|\.map\(\s*async/;

function testFiles(): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".test.ts") && !file.startsWith("unit/"))
    .map((file) => join(root, file));
}

/** Each test of a file: its title and its text up to the next test's start. */
function testsOf(source: string): { title: string; body: string }[] {
  const starts = [...source.matchAll(TEST_START)];
  return starts.map((match, i) => ({
    title: match[1]!,
    body: source.slice(match.index, starts[i + 1]?.index ?? source.length),
  }));
}

describe("tests that take the database down", () => {
  it("exist, and are read", () => {
    const outageTests = testFiles().flatMap((file) =>
      testsOf(readFileSync(file, "utf8")).filter((t) => t.body.includes("takeDown(")),
    );
    expect(outageTests.length).toBeGreaterThanOrEqual(4);
  });

  it("take it down once per test, never in a loop", () => {
    const problems: string[] = [];
    for (const file of testFiles()) {
      for (const { title, body } of testsOf(readFileSync(file, "utf8"))) {
        const downs = body.split("takeDown(").length - 1;
        if (downs > 1) problems.push(`${file}: "${title}" takes the database down ${downs} times`);
        if (downs > 0 && LOOP.test(body.slice(0, body.indexOf("takeDown("))))
          problems.push(`${file}: "${title}" takes the database down in a loop`);
      }
    }
    expect(problems).toEqual([]);
  });
});
