import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyringConfigError, parseKeyring } from "@/lib/crypto/keyring";
import { keyringEntry } from "../fixtures/keyring";
import { captureLogs } from "../fixtures/logs";

const logs = captureLogs();
const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");

function expectConfigError(value: string, ...fragments: string[]) {
  let caught: unknown;
  try {
    parseKeyring(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyringConfigError);
  const message = (caught as Error).message;
  expect(message).toContain("API_KEY_ENCRYPTION_KEYS");
  for (const fragment of fragments) expect(message).toContain(fragment);
}

describe("parseKeyring", () => {
  it("makes the first key active and keeps all for decryption", () => {
    const ring = parseKeyring(` new:${b64(32)} , old:${b64(32)}`);
    expect(ring.activeId).toBe("new");
    expect([...ring.keys.keys()]).toEqual(["new", "old"]);
    expect(ring.keys.get("old")).toHaveLength(32);
  });

  it("rejects keys that are not exactly 32 bytes, never truncating", () => {
    expectConfigError(`k1:${b64(16)}`, "16 bytes", "exactly 32", "openssl rand -base64 32");
    expectConfigError(`k1:${b64(33)}`, "33 bytes", "openssl rand -base64 32");
    expectConfigError(`k1:${b64(64)}`, "64 bytes");
  });

  it("rejects material that is not base64", () => {
    expectConfigError("k1:not*base64!", "not valid base64", "openssl rand -base64 32");
    expectConfigError(`k1:${b64(32).slice(1)}`, "not valid base64");
  });

  it("rejects duplicate ids, missing ids, bad ids and an empty value", () => {
    expectConfigError(`${keyringEntry("a")},${keyringEntry("a")}`, 'key id "a" twice');
    expectConfigError(b64(32), "no key id");
    expectConfigError(`bad.id:${b64(32)}`, 'key id "bad.id"');
    expectConfigError(`:${b64(32)}`, 'key id ""');
    expectConfigError(" , ", "empty");
  });
});

describe("getKeyring without API_KEY_ENCRYPTION_KEYS", () => {
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("refuses in production with an error that says how to fix it", async () => {
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", "");
    vi.stubEnv("NODE_ENV", "production");
    const { getKeyring } = await import("@/lib/crypto/keyring");
    expect(() => getKeyring()).toThrow(/API_KEY_ENCRYPTION_KEYS is not set.*openssl rand -base64 32/);
  });

  it("generates a development key into .data/ once (mode 0600) and reuses it on every start", async () => {
    process.chdir(mkdtempSync(join(tmpdir(), "byok-keyring-")));
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", "");
    vi.stubEnv("NODE_ENV", "development");
    const warnings = () =>
      logs.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((e) => e.level === "warn");

    const first = (await import("@/lib/crypto/keyring")).getKeyring();
    const file = join(process.cwd(), ".data", "encryption-keys");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toContain(".data/encryption-keys");
    expect(logs.join("\n")).not.toContain(readFileSync(file, "utf8").split(":")[1]!.trim());

    vi.resetModules(); // a new start of the app
    const second = (await import("@/lib/crypto/keyring")).getKeyring();
    expect(second.activeId).toBe(first.activeId);
    expect(second.keys.get(second.activeId)).toEqual(first.keys.get(first.activeId));
    expect(warnings()).toHaveLength(1);
  });
});
