import { randomUUID } from "node:crypto";
import { type SoftHsm, startSoftHsm } from "@/dev/softhsm";
import { hashPassword } from "@/lib/auth/password";
import { open, seal } from "@/lib/crypto/envelope";
import { initKek } from "@/lib/crypto/kek/init";
import { readPkcs11Config } from "@/lib/crypto/kek/pkcs11-config";
import { tokenFor } from "@/lib/crypto/kek/pkcs11-token";
import { closeDb } from "@/lib/db/client";
import { listProviders, type ProviderRecord } from "@/lib/db/providers";
import { createUser } from "@/lib/db/users";
import { storeApiKey } from "@/lib/keys/vault";
import { BENCH_CHAT_KEY, BENCH_PASSWORD } from "./seed";
import { KEYRING } from "./settings";

/**
 * The key-encryption key in an HSM, for the bench: a SoftHSM2 token of this run (dev/softhsm.ts) with one AES key,
 * a database whose user's chat key is sealed under it (the app with KEK_BACKEND=pkcs11 streams from it beside the
 * app on the keyring, bench/streaming.ts), and the token's own costs measured in this process (kekCosts).
 */
export interface HsmSide {
  hsm: SoftHsm;
  /** The variables of an app (or this process) whose KEK is the token's key. */
  env: Record<string, string>;
}

/** The token, made before anything in this process loads the module (SoftHSM reads SOFTHSM2_CONF once). */
export async function startHsmSide(): Promise<HsmSide> {
  const hsm = startSoftHsm({ tokenLabel: "byok-bench", keyLabels: ["bench-kek"] });
  process.env.SOFTHSM2_CONF = hsm.env.SOFTHSM2_CONF;
  // SoftHSM2 itself, not the failing module tests put in front of it.
  const env = { ...hsm.env, PKCS11_MODULE: hsm.softhsmModule, KEK_BACKEND: "pkcs11", API_KEY_ENCRYPTION_KEYS: "" };
  await withEnv(env, () => initKek());
  return { hsm, env };
}

/** One user in the database `databaseEnv` names, whose chat key (the bench's) is sealed under the token. */
export async function seedHsmUser(
  side: HsmSide,
  databaseEnv: Record<string, string>,
): Promise<{ email: string; provider: ProviderRecord }> {
  return withEnv({ ...databaseEnv, ...side.env }, async () => {
    const [provider] = await listProviders("");
    const user = await createUser({
      email: `hsm.${randomUUID().slice(0, 6)}@bench.test`,
      passwordHash: await hashPassword(BENCH_PASSWORD),
    });
    await storeApiKey(user.id, provider!.id, BENCH_CHAT_KEY);
    await closeDb();
    return { email: user.email, provider: provider! };
  });
}

async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const SAMPLES = 2_000;

interface Micros {
  p50: number;
  p99: number;
}

export interface KekCosts {
  samples: number;
  /** Opening one stored key, in this process, µs: the keyring; the token with its data key cached; uncached. */
  openMicros: { local: Micros; pkcs11Cached: Micros; pkcs11Uncached: Micros };
  /** What blocks the event loop per token unwrap (C_DecryptInit), and the decryption that runs off it (C_DecryptAsync), µs. */
  tokenCallMicros: { decryptInitBlocking: Micros; decryptAsync: Micros; decryptIfSynchronous: Micros };
}

/** The costs behind the streaming figures, measured one call at a time. */
export async function kekCosts(side: HsmSide): Promise<KekCosts> {
  const owner = { userId: randomUUID(), providerId: randomUUID() };
  const local = await withEnv(
    { KEK_BACKEND: "local", API_KEY_ENCRYPTION_KEYS: KEYRING, PKCS11_MODULE: "" },
    async () => {
      const { envelope } = await seal(BENCH_CHAT_KEY, owner);
      return timeMicros(() => open(envelope, owner));
    },
  );
  const token = async (cacheSeconds: string) =>
    withEnv({ ...side.env, KEK_CACHE_SECONDS: cacheSeconds }, async () => {
      const { envelope } = await seal(BENCH_CHAT_KEY, owner);
      return timeMicros(() => open(envelope, owner));
    });
  const pkcs11Cached = await token("60");
  const pkcs11Uncached = await token("0");
  const tokenCallMicros = await withEnv(side.env, () => tokenCalls());
  return { samples: SAMPLES, openMicros: { local, pkcs11Cached, pkcs11Uncached }, tokenCallMicros };
}

/** C_DecryptInit (synchronous), then the decryption of a wrapped data key, asynchronous and synchronous. */
async function tokenCalls(): Promise<KekCosts["tokenCallMicros"]> {
  const config = readPkcs11Config()!;
  const token = await tokenFor(config);
  const { p11 } = token;
  const times = { init: [] as number[], async: [] as number[], sync: [] as number[] };
  await token.withKey(config.keyLabels[0]!, async (library, session, key) => {
    const iv = Buffer.alloc(12, 1);
    const mechanism = {
      mechanism: p11.CKM_AES_GCM,
      parameter: { type: p11.CK_PARAMS_AES_GCM, iv, aad: Buffer.from("bench"), ivBits: 96, tagBits: 128 },
    };
    library.C_EncryptInit(session, mechanism, key);
    const wrapped = library.C_Encrypt(session, Buffer.alloc(32, 7), Buffer.alloc(48));
    for (let i = 0; i < SAMPLES; i++) {
      let started = performance.now();
      library.C_DecryptInit(session, mechanism, key);
      times.init.push((performance.now() - started) * 1000);
      started = performance.now();
      await library.C_DecryptAsync(session, wrapped, Buffer.alloc(48));
      times.async.push((performance.now() - started) * 1000);
      library.C_DecryptInit(session, mechanism, key);
      started = performance.now();
      library.C_Decrypt(session, wrapped, Buffer.alloc(48));
      times.sync.push((performance.now() - started) * 1000);
    }
  });
  return {
    decryptInitBlocking: micros(times.init),
    decryptAsync: micros(times.async),
    decryptIfSynchronous: micros(times.sync),
  };
}

async function timeMicros(work: () => Promise<unknown>): Promise<Micros> {
  for (let i = 0; i < 100; i++) await work(); // warm
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await work();
    times.push((performance.now() - started) * 1000);
  }
  return micros(times);
}

function micros(values: number[]): Micros {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
}

export function printKekCosts(costs: KekCosts) {
  const { openMicros: o, tokenCallMicros: t } = costs;
  const line = (label: string, m: Micros) =>
    console.log(`${label.padEnd(52)}${String(m.p50).padStart(9)}${String(m.p99).padStart(9)}`);
  console.log(
    `\nKey-encryption key costs, one call at a time in this process (${costs.samples} samples; µs)        p50      p99`,
  );
  line("  open a stored key: keyring (local)", o.local);
  line("  open a stored key: token, data key cached", o.pkcs11Cached);
  line("  open a stored key: token, uncached (KEK_CACHE_SECONDS=0)", o.pkcs11Uncached);
  line("  event loop blocked per unwrap: C_DecryptInit", t.decryptInitBlocking);
  line("  the unwrap itself, off the loop: C_DecryptAsync", t.decryptAsync);
  line("  (were it synchronous: C_Decrypt, blocking)", t.decryptIfSynchronous);
}
