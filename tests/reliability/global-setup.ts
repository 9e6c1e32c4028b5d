import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The suite runs on the production build; it builds one only when there is none. */
export default function setup() {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("No production build found (.next/BUILD_ID); running `next build` first …");
    execFileSync("npx", ["next", "build"], { stdio: "inherit" });
  }
}
