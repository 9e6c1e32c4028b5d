import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The suite runs on the standalone production build; it builds one only when there is none. */
export default function setup() {
  for (const tool of ["pgbouncer", "haproxy"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      throw new Error(`${tool} is not installed: apt-get install -y pgbouncer haproxy`);
    }
  }
  if (!existsSync(".next/standalone/server.js")) {
    console.log("No standalone build found (.next/standalone/server.js); running `next build` first …");
    execFileSync("npx", ["next", "build"], { stdio: "inherit" });
  }
}
