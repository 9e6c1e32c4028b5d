/** Small helpers shared by the npm scripts: a progress line and a clean failure exit. */

export function progressLine(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${text}`);
  else console.log(text);
}

export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write("\n");
}

/** Runs a script body; on failure prints one clear line (no stack unless DEBUG is set) and exits 1. */
export async function run(main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(0);
  } catch (error) {
    endProgress();
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}`);
    if (process.env.DEBUG && error instanceof Error) console.error(error);
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause) {
      const { describeDatabaseError } = await import("@/lib/db/errors");
      console.error(`cause: ${describeDatabaseError(cause)}`);
    }
    process.exit(1);
  }
}
