import "server-only";
import { getProviderInfo, type ProviderInfo, type RegistryId } from "./catalogue";
import { AppError } from "@/lib/errors";
import { readLimited } from "@/lib/http/read-limited";
import { providerBaseURL } from "./base-url";
import type { KeyCheckResult, KeyStatus } from "./key-status";

/**
 * Asks a provider whether a key is good, with one request to its cheapest authenticated endpoint (no tokens
 * spent), a timeout, no redirects and no retries (retries could lock an account). Each provider has its own
 * classifier: "invalid" is not simply "401" (Google and xAI answer 400; OpenAI answers 401 for a real key
 * that lacks a scope). See PROVIDERS.md.
 */

type Reason =
  | "accepted"
  | "rejected"
  | "disabled"
  | "rate_limited"
  | "no_credit"
  | "missing_scope"
  | "no_access"
  | "server_error"
  | "unexpected_answer";

interface Verdict {
  status: Exclude<KeyStatus, "undecryptable">;
  reason: Reason;
}

interface CheckSpec {
  /** Appended to the base URL. */
  path: string;
  /** What a pass proves, completing "Verified with <Provider>: the key can …". */
  proves: string;
  headers: (apiKey: string) => Record<string, string>;
  classify: (status: number, body: unknown) => Verdict;
}

const DEFAULT_TIMEOUT_MS = 8_000;
const MAX_BODY_BYTES = 1 << 20;

const valid: Verdict = { status: "valid", reason: "accepted" };
const rejected: Verdict = { status: "invalid", reason: "rejected" };
const unexpected: Verdict = { status: "unreachable", reason: "unexpected_answer" };
const limited = (reason: Reason): Verdict => ({ status: "limited", reason });

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

function field(body: unknown, ...path: string[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const listsModels = (body: unknown, key = "data") => Array.isArray(field(body, key));

/** Answers every provider shares: 5xx is the provider's trouble, 429 a real key being throttled. */
function common(status: number): Verdict | undefined {
  if (status >= 500) return { status: "unreachable", reason: "server_error" };
  if (status === 429) return limited("rate_limited");
  return undefined;
}

/** The OpenAI-compatible providers: `GET /models` with a bearer token, 401 for a bad key. */
function openAiStyle(extra?: (status: number, body: unknown) => Verdict | undefined): CheckSpec {
  return {
    path: "/models",
    proves: "list models",
    headers: bearer,
    classify(status, body) {
      const special = extra?.(status, body) ?? common(status);
      if (special) return special;
      if (status === 200) return listsModels(body) ? valid : unexpected;
      if (status === 401) return rejected;
      return unexpected;
    },
  };
}

const SPECS: Record<RegistryId, CheckSpec> = {
  openai: openAiStyle((status, body) => {
    // A restricted key without the models scope: 401 with code null and a "Missing scopes" message. Real key.
    if (status === 401 && field(body, "error", "code") === null) {
      const message = String(field(body, "error", "message") ?? "");
      if (/insufficient permissions|missing scopes/i.test(message)) return limited("missing_scope");
    }
    if (status === 429 && field(body, "error", "code") === "insufficient_quota") return limited("no_credit");
    if (status === 403) return limited("no_access");
    return undefined;
  }),
  anthropic: {
    path: "/models",
    proves: "list models",
    headers: (apiKey) => ({ "x-api-key": apiKey, "anthropic-version": "2023-06-01" }),
    classify(status, body) {
      const type = field(body, "error", "type");
      if (status === 529) return { status: "unreachable", reason: "server_error" };
      const shared = common(status);
      if (shared) return shared;
      if (status === 200) return listsModels(body) ? valid : unexpected;
      if (status === 401) return rejected;
      if (status === 403 && type === "permission_error") return limited("missing_scope");
      if (status === 404 && field(body, "type") === "error") return { status: "invalid", reason: "disabled" };
      return unexpected;
    },
  },
  google: {
    path: "/models",
    proves: "list models",
    headers: (apiKey) => ({ "x-goog-api-key": apiKey }),
    classify(status, body) {
      const shared = common(status);
      if (shared) return shared;
      if (status === 200) return listsModels(body, "models") ? valid : unexpected;
      // Google answers 400 INVALID_ARGUMENT / API_KEY_INVALID for a bad key, not 401.
      const details = field(body, "error", "details");
      const reasons = Array.isArray(details) ? details.map((d) => field(d, "reason")) : [];
      if (status === 400 && (reasons.includes("API_KEY_INVALID") || /api key not valid/i.test(String(field(body, "error", "message"))))) {
        return rejected;
      }
      if (status === 401) return rejected;
      if (status === 403 && field(body, "error") !== undefined) return limited("no_access");
      return unexpected;
    },
  },
  mistral: openAiStyle(),
  groq: openAiStyle(),
  deepseek: openAiStyle((status) => (status === 402 ? limited("no_credit") : undefined)),
  xai: {
    path: "/api-key",
    proves: "read its own status",
    headers: bearer,
    classify(status, body) {
      const shared = common(status);
      if (shared) return shared;
      if (status === 200) {
        if (field(body, "redacted_api_key") === undefined) return unexpected;
        const blocked = ["api_key_blocked", "api_key_disabled", "team_blocked"].some((f) => field(body, f) === true);
        return blocked ? { status: "invalid", reason: "disabled" } : valid;
      }
      // xAI answers 400 "Incorrect API key provided" for a bad key; 401 too.
      if (status === 400 && /incorrect api key/i.test(String(field(body, "error")))) return rejected;
      if (status === 401) return rejected;
      if (status === 403) return limited("no_credit");
      return unexpected;
    },
  },
  openrouter: {
    // /models needs no auth and proves nothing; /key does.
    path: "/key",
    proves: "read its own limits",
    headers: bearer,
    classify(status, body) {
      const shared = common(status);
      if (shared) return shared;
      if (status === 200) {
        const data = field(body, "data");
        if (typeof data !== "object" || data === null) return unexpected;
        const remaining = field(data, "limit_remaining");
        return typeof remaining === "number" && remaining <= 0 ? limited("no_credit") : valid;
      }
      if (status === 401) return rejected;
      if (status === 402) return limited("no_credit");
      return unexpected;
    },
  },
};

function describe(provider: ProviderInfo, verdict: Verdict, httpStatus: number): string {
  const { name } = provider;
  switch (verdict.reason) {
    case "accepted":
      return `Verified with ${name}: the key can ${SPECS[provider.registryId].proves}.`;
    case "rejected":
      return `${name} rejected this key.`;
    case "disabled":
      return `${name} says this key is disabled or blocked.`;
    case "rate_limited":
      return `${name} recognised this key but is rate-limiting it right now.`;
    case "no_credit":
      return `${name} recognised this key, but the account is out of credit.`;
    case "missing_scope":
      return `${name} recognised this key, but it lacks a permission needed to ${SPECS[provider.registryId].proves}.`;
    case "no_access":
      return `${name} recognised this key, but it has no access to this API.`;
    case "server_error":
      return `Couldn't reach ${name} to check the key (it answered with an error, HTTP ${httpStatus}).`;
    case "unexpected_answer":
      return `Couldn't check the key: ${name} gave an answer we did not recognise (HTTP ${httpStatus}).`;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const bytes = await readLimited(response.body, MAX_BODY_BYTES);
  try {
    return bytes ? JSON.parse(bytes.toString("utf8")) : undefined;
  } catch {
    return undefined;
  }
}

function networkFailure(error: unknown, name: string, timeoutMs: number): string {
  const err = error as { name?: string; cause?: { message?: string; code?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") {
    return `Couldn't reach ${name} to check the key (timed out after ${Math.round(timeoutMs / 100) / 10} s).`;
  }
  if (/redirect/i.test(err.cause?.message ?? "")) {
    return `Couldn't reach ${name} to check the key (it answered with a redirect, which is refused).`;
  }
  const code = err.cause?.code;
  const what = code === "ENOTFOUND" || code === "EAI_AGAIN" ? "its address could not be resolved" : "connection failed";
  return `Couldn't reach ${name} to check the key (${what}).`;
}

function providerTimeoutMs(): number {
  const fromEnv = Number(process.env.PROVIDER_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS;
}

export async function checkApiKey(
  registryId: string,
  apiKey: string,
  options: { timeoutMs?: number } = {},
): Promise<KeyCheckResult> {
  const provider = getProviderInfo(registryId);
  if (!provider) throw new AppError("provider_not_found", "Keys for this provider cannot be checked.");
  const spec = SPECS[provider.registryId];
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs();
  const started = Date.now();
  const log = (outcome: string) =>
    console.info(`[providers] ${registryId} key check: ${outcome} in ${Date.now() - started} ms`);

  let response: Response;
  let body: unknown;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(`${providerBaseURL(provider)}${spec.path}`, {
      method: "GET",
      headers: { accept: "application/json", "user-agent": "byok-keyring/1", ...spec.headers(apiKey) },
      redirect: "error",
      signal,
      cache: "no-store",
    });
    body = await readJson(response);
  } catch (error) {
    log(`unreachable (${(error as Error).name})`);
    return { valid: false, status: "unreachable", message: networkFailure(error, provider.name, timeoutMs) };
  }

  const verdict = spec.classify(response.status, body);
  log(`${verdict.status}/${verdict.reason} (HTTP ${response.status})`);
  return {
    valid: verdict.status === "valid" || verdict.status === "limited",
    status: verdict.status,
    message: describe(provider, verdict, response.status),
    httpStatus: response.status,
  };
}
