import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DEMO_ACCOUNT as DEMO, DEMO_KEYS } from "../dev/demo-account";
import { ENDPOINT_PATHS } from "../dev/fake-providers/endpoint";
import { startFakeProviders } from "../dev/fake-providers/server";

/**
 * npm run demo: the whole app against local fake providers, to try without a real key. Starts the fake providers
 * (dev/fake-providers: every provider's real API, answering as a word in the key says), then `next dev` pointed
 * at them (PROVIDER_BASE_URL_*, and ALLOWED_ENDPOINT_HOSTS so a custom endpoint may be the fake too) on a data
 * folder of its own (.data/demo), creates the demo account and says which keys to paste. Ctrl-C stops both.
 *
 * PORT (default 3000), FAKE_PROVIDERS_PORT (default 4010) and DEMO_DATA_DIR (default .data/demo) move it.
 */
const require = createRequire(import.meta.url);
const port = Number(process.env.PORT || 3000);
const fakePort = Number(process.env.FAKE_PROVIDERS_PORT || 4010);
const dataDir = process.env.DEMO_DATA_DIR || join(".data", "demo");
const site = `http://localhost:${port}`;

const fake = await startFakeProviders({ port: fakePort, slowMs: 5_000, chat: { chunks: 5, intervalMs: 250 } });
const app: ChildProcess = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "dev", "-p", String(port)], {
  env: {
    ...process.env,
    ...fake.env,
    ALLOWED_ENDPOINT_HOSTS: "127.0.0.1",
    PGLITE_DIR: join(dataDir, "pglite"),
    NEXT_TELEMETRY_DISABLED: "1",
  },
  stdio: ["ignore", "inherit", "inherit"],
});

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // As Ctrl-C would: `next dev` stops its server, then this process ends with it.
  if (app.exitCode === null) app.kill("SIGINT");
  void fake
    .close()
    .then(() => (app.exitCode === null ? app.once("exit", () => process.exit(code)) : process.exit(code)));
}
process.on("SIGINT", () => stop());
process.on("SIGTERM", () => stop());
app.once("exit", (code) => {
  if (!stopping) {
    console.error(
      `\nThe app stopped (exit ${code}). Is another \`npm run dev\` running in this folder? Stop it, then run \`npm run demo\` again.`,
    );
    stop(1);
  }
});

console.log(
  `\nStarting the demo: fake providers on ${fake.url}, the app on ${site} (the first start compiles each page: a minute or so)…\n`,
);
await waitForHealth();
await createDemoAccount();
console.log(banner());

async function waitForHealth() {
  for (;;) {
    if (stopping) return;
    const ready = await fetch(`${site}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The demo account, through the app's own sign-up (409: it is already there from an earlier run). */
async function createDemoAccount() {
  const answer = await fetch(`${site}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...DEMO, name: "Demo" }),
  });
  if (answer.status !== 201 && answer.status !== 409)
    console.error(`Couldn't create the demo account: ${answer.status} ${await answer.text()}`);
}

function banner(): string {
  return [
    "",
    "────────────────────────────────────────────────────────────────────────────",
    ` Keyring demo: open ${site}`,
    ` Sign in as ${DEMO.email} / ${DEMO.password}, or create your own account.`,
    "",
    " These providers are local fakes. Paste a key whose words say how they answer:",
    `   ${DEMO_KEYS.valid}     works: Test, Show models, then Try it in the Playground`,
    `   ${DEMO_KEYS.second}     another working key (Add another key)`,
    `   ${DEMO_KEYS.invalid}   rejected by the provider`,
    "   sk-demo-limited-1   real but rate-limited",
    "   sk-demo-slow-1      answers after 5 s",
    "   sk-demo-cut-1       a playground answer that breaks off halfway",
    ` A custom endpoint: base URL ${fake.url}${ENDPOINT_PATHS.open} (needs no key).`,
    "",
    " Ctrl-C stops the app and the fakes. Your `npm run dev` data is not touched (.data/demo).",
    "────────────────────────────────────────────────────────────────────────────",
    "",
  ].join("\n");
}
