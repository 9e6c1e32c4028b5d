/**
 * npm start: the production server the build made for this app. `output: "standalone"` (next.config.ts) makes
 * `next build` write .next/standalone/server.js, which is what the Dockerfile runs and what `next start` warns it
 * is not; this runs that server, in this process (so SIGTERM and SIGINT reach the app's graceful shutdown,
 * lib/shutdown.ts), laid out as the Dockerfile lays it out. Plain Node: no compiler needed at run time.
 *
 * What it adds to `node .next/standalone/server.js`, so that `npm start` behaves as `next start` did:
 * - the static files (and public/, if any) beside the server, which the build leaves where they were;
 * - the project's .env files (`.env.production.local`, `.env.local`, `.env.production`, `.env`), read as Next
 *   reads them; the standalone server would read its own folder's only;
 * - PGLITE_DIR made absolute from this folder (default .data/pglite): the server runs from its own folder, and
 *   a relative data folder would otherwise end up inside the build output;
 * - HOSTNAME: every interface unless it names an address (or localhost) to listen on; shells and containers set it
 *   to the machine's name, which is no place to listen;
 * - NEXT_MANUAL_SIG_HANDLE=true, unless set: Next leaves SIGTERM to the app (drain, close the database, exit 0).
 * PORT is honoured as the server reads it (default 3000).
 */
import { cpSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const standalone = join(root, ".next", "standalone");
const server = join(standalone, "server.js");

if (!existsSync(server)) {
  console.error(
    "There is no production build here (.next/standalone/server.js is missing). Run `npm run build` first.",
  );
  process.exit(1);
}

cpSync(join(root, ".next", "static"), join(standalone, ".next", "static"), { recursive: true, force: true });
if (existsSync(join(root, "public")))
  cpSync(join(root, "public"), join(standalone, "public"), { recursive: true, force: true });

const require = createRequire(import.meta.url);
require("@next/env").loadEnvConfig(root, false, { info: () => {}, error: console.error });

const env = process.env;
if (!env.DATABASE_URL && !env.PGLITE_DIR?.includes("://"))
  env.PGLITE_DIR = resolve(root, env.PGLITE_DIR || join(".data", "pglite"));
if (!(env.HOSTNAME && (isIP(env.HOSTNAME) || env.HOSTNAME === "localhost"))) env.HOSTNAME = "0.0.0.0";
env.NEXT_MANUAL_SIG_HANDLE ??= "true";

await import(pathToFileURL(server).href);
