import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A SoftHSM2 token of its own for a test run or the bench: a temporary folder holding the token store and its
 * softhsm2.conf (SOFTHSM2_CONF), one initialised token, and the failing module (pkcs11-shim/failing-pkcs11.c,
 * compiled here with gcc) in front of SoftHSM2, so a test can make the token fail and come back. `env` is what
 * the app, a script or this process needs: SOFTHSM2_CONF, the shim's two variables, and PKCS11_MODULE,
 * PKCS11_TOKEN_LABEL, PKCS11_PIN, PKCS11_KEY_LABELS. Debian: apt-get install softhsm2 (and opensc for pkcs11-tool).
 */
export interface SoftHsm {
  dir: string;
  env: Record<string, string>;
  /** The real module, without the shim. */
  softhsmModule: string;
  /** From now on the token answers CKR_DEVICE_REMOVED and loses every session, until `recover`. */
  fail(): void;
  /** From now on encryption and decryption do not answer (each call waits), until `recover`. */
  hang(): void;
  recover(): void;
  drop(): void;
}

const MODULE_CANDIDATES = [
  "/usr/lib/softhsm/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/local/lib/softhsm/libsofthsm2.so",
];
const SHIM_SOURCE = fileURLToPath(new URL("./pkcs11-shim/failing-pkcs11.c", import.meta.url));
const PKCS11_HEADERS = fileURLToPath(new URL("../node_modules/pkcs11js/includes", import.meta.url));

export function softHsmModule(): string {
  const found = [process.env.SOFTHSM2_MODULE, ...MODULE_CANDIDATES].find((path) => path && existsSync(path));
  if (!found)
    throw new Error(
      "SoftHSM2 is not installed (apt-get install -y softhsm2 opensc), or set SOFTHSM2_MODULE to its libsofthsm2.so.",
    );
  return found;
}

export function startSoftHsm(options: { tokenLabel?: string; pin?: string; keyLabels?: string[] } = {}): SoftHsm {
  const softhsmModule = softHsmModule();
  const dir = mkdtempSync(join(tmpdir(), "byok-softhsm-"));
  const tokenLabel = options.tokenLabel ?? "byok-test";
  const pin = options.pin ?? "4321-test-pin";
  writeFileSync(
    join(dir, "softhsm2.conf"),
    `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  mkdirSync(join(dir, "tokens"));
  const conf = { SOFTHSM2_CONF: join(dir, "softhsm2.conf") };
  execFileSync(
    "softhsm2-util",
    ["--init-token", "--free", "--label", tokenLabel, "--pin", pin, "--so-pin", `${pin}-so`],
    {
      env: { ...process.env, ...conf },
      stdio: "ignore",
    },
  );
  const shim = join(dir, "failing-pkcs11.so");
  execFileSync("gcc", ["-shared", "-fPIC", "-O2", "-o", shim, SHIM_SOURCE, "-I", PKCS11_HEADERS, "-ldl"]);
  const failFile = join(dir, "token-down");
  return {
    dir,
    softhsmModule,
    env: {
      ...conf,
      PKCS11_SHIM_TARGET: softhsmModule,
      PKCS11_SHIM_FAIL_FILE: failFile,
      PKCS11_MODULE: shim,
      PKCS11_TOKEN_LABEL: tokenLabel,
      PKCS11_PIN: pin,
      PKCS11_KEY_LABELS: (options.keyLabels ?? ["kek-1"]).join(","),
    },
    fail: () => writeFileSync(failFile, "down\n"),
    hang: () => writeFileSync(failFile, "hang\n"),
    recover: () => rmSync(failFile, { force: true }),
    drop: () => rmSync(dir, { recursive: true, force: true }),
  };
}
