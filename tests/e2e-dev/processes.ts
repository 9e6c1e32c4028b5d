import { type ChildProcess, spawn } from "node:child_process";

/** A development server (or `npm run demo`) this test started: what it printed, and how to stop it as Ctrl-C does. */
export interface DevProcess {
  output: () => string;
  /** Resolves when the output shows `text` (or rejects when the process exits first). */
  printed: (text: string | RegExp) => Promise<void>;
  /** SIGINT to its whole process group, as Ctrl-C in a terminal; resolves with the exit code (null: ended by a signal). */
  stop: () => Promise<number | null>;
}

export function startProcess(command: string, args: string[], env: Record<string, string>): DevProcess {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    output: () => output,
    printed: (text) =>
      new Promise<void>((resolve, reject) => {
        const seen = () => (typeof text === "string" ? output.includes(text) : text.test(output));
        const check = () => {
          if (!seen()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        void exited.then((code) =>
          reject(new Error(`${command} ${args.join(" ")} exited (${code}) before printing ${text}:\n${output}`)),
        );
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGINT");
      const kill = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}

/** Resolves when `url` answers 200 (a server that is starting refuses or errs meanwhile). */
export async function answers(url: string, until = Date.now() + 300_000): Promise<void> {
  while (Date.now() < until) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer in time`);
}
