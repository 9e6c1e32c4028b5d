import "server-only";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Where development-only secrets live when the environment provides none. Git-ignored. */
export const LOCAL_DATA_DIR = ".data";

/**
 * Reads a development secret from `.data/<file>`, creating it (mode 0600) on first use. Creation is atomic
 * (`wx`), so two processes starting together agree on one value. Returns whether it was just created, so the
 * caller can say so once.
 */
export function readOrCreateLocalSecret(
  file: string,
  generate: () => string,
): { value: string; path: string; created: boolean } {
  const dir = join(/* turbopackIgnore: true */ process.cwd(), LOCAL_DATA_DIR);
  const path = join(dir, file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(path, "wx", 0o600);
    const value = generate();
    try {
      writeSync(fd, `${value}\n`);
    } finally {
      closeSync(fd);
    }
    return { value, path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const value = readFileSync(path, "utf8").trim();
  if (!value) throw new Error(`${path} is empty. Delete it to have a new development secret generated.`);
  return { value, path, created: false };
}

/** A development secret of `.data/<file>` when an earlier start made one; null otherwise. Never creates it. */
export function readLocalSecret(file: string): { value: string; path: string } | null {
  const path = join(/* turbopackIgnore: true */ process.cwd(), LOCAL_DATA_DIR, file);
  if (!existsSync(path)) return null;
  const value = readFileSync(path, "utf8").trim();
  return value ? { value, path } : null;
}

export function randomBase64(bytes = 32): string {
  return randomBytes(bytes).toString("base64");
}
