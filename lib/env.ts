import { z } from "zod";

/**
 * Every environment variable the app reads, with its type, its default and what it means: the one place that
 * reads `process.env` (the linter refuses it elsewhere in app/, lib/ and components/). `.env.example` and the
 * README's table list the same names (tests/unit/env.test.ts holds the three together).
 *
 * Values are read when asked for, not frozen at start, and parsed again only when the text changes, so a test or a
 * development restart that changes a variable is seen at once and a hot path pays for a map lookup. A value that
 * does not parse reads as the default; `envProblems()` names it, and a production start refuses it
 * (lib/startup.ts). Variables whose rules belong to their domain (the keyring, the token, the flags, the host
 * list, the secret and the site URL) are read here as text and checked there, where the message can say more.
 */

const blankToUndefined = (value: string | undefined) => (value?.trim() === "" ? undefined : value);
const trimmed = z.string().trim();
const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const positive = (max = 2 ** 31 - 1) => whole(1, max);
const flag = z.enum(["true", "false"]).transform((value) => value === "true");

interface Variable<T> {
  schema: z.ZodType<T>;
  fallback: T;
  meaning: string;
  /** Its value is never echoed in a problem (a password, a key, a URL that may carry a password). */
  secret?: boolean;
}

const variable = <T>(schema: z.ZodType<T>, fallback: T, meaning: string, secret = false): Variable<T> => ({
  schema,
  fallback,
  meaning,
  secret,
});
const text = (meaning: string, secret = false) => variable<string | undefined>(trimmed, undefined, meaning, secret);

export const VARIABLES = {
  NODE_ENV: variable(
    z.enum(["development", "production", "test"]),
    "development" as const,
    "set by Next.js and the test runner",
  ),
  PORT: variable(whole(0, 65535), 3000, "the HTTP port of `npm start`, `npm run dev` and the standalone server"),
  DATABASE_URL: variable(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional() as z.ZodType<string | undefined>,
    undefined,
    "a PostgreSQL server (postgres-js); unset: the embedded PGlite database",
    true,
  ),
  DATABASE_POOL_MAX: variable(positive(1000), 10, "connections per app instance"),
  DATABASE_POOLER: variable(
    z.enum(["transaction"]).optional() as z.ZodType<"transaction" | undefined>,
    undefined,
    "transaction behind a transaction-mode pooler (PgBouncer, Supavisor, RDS Proxy): no named prepared statements",
  ),
  DB_AUTO_MIGRATE: variable(
    flag,
    true,
    "apply pending migrations and the provider seed when the app opens the database",
  ),
  DB_OPERATION_TIMEOUT_MS: variable(positive(), 5000, "longest a PostgreSQL operation may take before a 503"),
  PGLITE_DIR: variable(trimmed, ".data/pglite", "the embedded database's folder when DATABASE_URL is unset"),
  KEK_BACKEND: text("local or pkcs11: where the key-encryption keys live (lib/crypto/kek/ring.ts checks it)"),
  API_KEY_ENCRYPTION_KEYS: text("the keyring, id:base64-32-bytes[,…] (lib/crypto/keyring.ts checks it)", true),
  PKCS11_MODULE: text("the PKCS#11 library of the token holding the key-encryption keys"),
  PKCS11_TOKEN_LABEL: text("the token's label"),
  PKCS11_PIN: text("the token's user PIN", true),
  PKCS11_KEY_LABELS: text("the token's AES keys, comma-separated: the first wraps, all unwrap"),
  KEK_CACHE_SECONDS: text("seconds an unwrapped data key stays in memory, 0-3600 (lib/crypto/kek/ring.ts checks it)"),
  NEXTAUTH_SECRET: text("signs sessions and device cookies (lib/auth/secret.ts checks it)", true),
  NEXTAUTH_URL: text("the site's public URL (lib/auth/secret.ts checks it)"),
  TRUST_PROXY: text("how many proxies append to X-Forwarded-For (lib/http/trust-proxy.ts checks it)"),
  FEATURE_FLAGS: text("name=true|false, comma-separated (lib/feature-flags.ts checks it)"),
  ALLOWED_ENDPOINT_HOSTS: text("hosts custom endpoints may reach although internal (lib/net/outbound.ts parses it)"),
  PROVIDER_TIMEOUT_MS: variable(positive(), 8000, "how long a key check or an answer's first byte may take"),
  RATE_LIMIT_VALIDATIONS_PER_MINUTE: variable(positive(), 20, "provider checks per user per minute"),
  RATE_LIMIT_SIGNUPS_PER_HOUR: variable(positive(), 100, "sign-ups per client address per hour"),
  RATE_LIMIT_CHATS_PER_MINUTE: variable(positive(), 30, "playground messages per user per minute"),
  RATE_LIMIT_GATEWAY_PER_MINUTE: variable(positive(), 600, "gateway requests per access token per minute"),
  GATEWAY_ENTRY: variable(
    z.enum(["direct", "next"]),
    "direct" as const,
    "direct: a production server answers /api/v1 from Node's HTTP server (lib/gateway/entry.ts); next: through Next.js",
  ),
  SHUTDOWN_GRACE_MS: variable(whole(0, 2 ** 31 - 1), 10_000, "how long SIGTERM lets requests in flight finish"),
  SHUTDOWN_DRAIN_MS: variable(
    whole(0, 60_000),
    1_000,
    "how long SIGTERM answers 'not ready' (GET /api/health 503) while still serving, before it stops listening",
  ),
  NEXT_MANUAL_SIG_HANDLE: text("set by `npm start` and the Dockerfile: the app, not Next.js, handles SIGTERM"),
  LOG_LEVEL: variable(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    "info" as const,
    "the least severe log line written",
  ),
  KEY_RECHECK_HOURS: variable(
    z.coerce
      .number()
      .min(0)
      .max(24 * 365),
    24,
    "re-check keys older than this; 0: never",
  ),
} satisfies Record<string, Variable<unknown>>;

export type EnvName = keyof typeof VARIABLES;

/** Set by the framework or by `npm start`, not by an operator: not in `.env.example` nor the README's table. */
export const FRAMEWORK_SET: readonly EnvName[] = ["NODE_ENV", "NEXT_MANUAL_SIG_HANDLE"];
type ValueOf<N extends EnvName> = (typeof VARIABLES)[N]["fallback"];

/** One family of variables named after a provider: PROVIDER_BASE_URL_<REGISTRYID>. */
export const PROVIDER_BASE_URL_PREFIX = "PROVIDER_BASE_URL_";
const baseUrl = z.url({ protocol: /^https?$/ }).optional() as z.ZodType<string | undefined>;
const baseUrlVariables = new Map<string, Variable<string | undefined>>();
/** The variable of one provider's base URL, described once (a provider's base URL is read on every request). */
function baseUrlVariable(registryId: string): Variable<string | undefined> {
  let spec = baseUrlVariables.get(registryId);
  if (!spec) {
    spec = variable(baseUrl, undefined, `where the provider ${registryId} is reached`);
    baseUrlVariables.set(registryId, spec);
  }
  return spec;
}

const memo = new Map<string, { raw: string | undefined; value: unknown; problem?: string }>();

function read(name: string, spec: Variable<unknown>): { value: unknown; problem?: string } {
  const raw = process.env[name];
  const known = memo.get(name);
  if (known && known.raw === raw) return known;
  const given = blankToUndefined(raw);
  const parsed = given === undefined ? undefined : spec.schema.safeParse(given);
  const entry =
    parsed === undefined || parsed.success
      ? { raw, value: parsed?.data ?? spec.fallback }
      : { raw, value: spec.fallback, problem: describe(name, spec, raw, parsed.error) };
  memo.set(name, entry);
  return entry;
}

function describe(name: string, spec: Variable<unknown>, raw: string | undefined, error: z.ZodError): string {
  const shown = spec.secret ? "" : ` (got "${raw}")`;
  return `${name} ${error.issues[0]?.message ?? "is not valid"}${shown}: ${spec.meaning}.`;
}

/** The typed value of a variable: its default when unset, blank or not valid (see envProblems). */
export function env<N extends EnvName>(name: N): ValueOf<N> {
  return read(name, VARIABLES[name]).value as ValueOf<N>;
}

/** PROVIDER_BASE_URL_<REGISTRYID>, without a trailing slash; undefined when unset or not an http(s) URL. */
export function providerBaseUrlOverride(registryId: string): string | undefined {
  const name = `${PROVIDER_BASE_URL_PREFIX}${registryId.toUpperCase()}`;
  const value = read(name, baseUrlVariable(registryId)).value as string | undefined;
  return value?.replace(/\/+$/, "");
}

export const isProduction = () => env("NODE_ENV") === "production";

/** Every variable that is set but does not parse, as a sentence naming it (secrets are never echoed). */
export function envProblems(): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(VARIABLES) as [string, Variable<unknown>][]) {
    const { problem } = read(name, spec);
    if (problem) problems.push(problem);
  }
  for (const name of Object.keys(process.env).filter((n) => n.startsWith(PROVIDER_BASE_URL_PREFIX))) {
    const registryId = name.slice(PROVIDER_BASE_URL_PREFIX.length).toLowerCase();
    const { problem } = read(name, baseUrlVariable(registryId));
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * Hands a value to a library that reads the environment itself (next-auth reads NEXTAUTH_SECRET and
 * AUTH_TRUST_HOST; Next.js, NEXT_MANUAL_SIG_HANDLE once the app has its signals): the one place that writes
 * `process.env`. `keep` leaves a value already set alone.
 */
export function exportToProcessEnv(
  name: "NEXTAUTH_SECRET" | "AUTH_TRUST_HOST" | "NEXT_MANUAL_SIG_HANDLE",
  value: string,
  options: { keep?: boolean } = {},
): void {
  if (options.keep && process.env[name] !== undefined) return;
  process.env[name] = value;
}
