import "server-only";
import { AppError, EndpointNotAllowedError } from "@/lib/errors";
import { AnswerTooLargeError, readLimited } from "@/lib/http/read-limited";
import { log } from "@/lib/log";
import { providerBaseURL } from "./base-url";
import { getProviderInfo } from "./catalogue";
import { classifyKeyCheck, type KeyCheckSpec, type Verdict } from "./key-verdict";
import type { KeyCheckResult } from "./key-status";
import { PROVIDER_API } from "./provider-api";

/**
 * Asks a provider whether a key is good, with one request to its cheapest authenticated endpoint (no tokens
 * spent), a timeout, a size cap, no redirects and no retries (retries could lock an account). Where that endpoint is and how
 * its answer reads is the provider's entry in provider-api.ts; the verdict comes from key-verdict.ts; the
 * sentence the user reads is ours, never the provider's (providers echo keys).
 */

const DEFAULT_TIMEOUT_MS = 8_000;
export const MAX_KEY_CHECK_BYTES = 1 << 20;

function describe(name: string, proves: string, verdict: Verdict, httpStatus: number, keyless: boolean): string {
  switch (verdict.reason) {
    case "accepted":
      return keyless ? `Verified with ${name}: it lets anyone ${proves} without a key.` : `Verified with ${name}: the key can ${proves}.`;
    case "rejected":
      return keyless ? `${name} asks for a key: it refused the request without one.` : `${name} rejected this key.`;
    case "disabled":
      return `${name} says this key is disabled or blocked.`;
    case "rate_limited":
      return `${name} recognised this key but is rate-limiting it right now.`;
    case "no_credit":
      return `${name} recognised this key, but the account is out of credit.`;
    case "missing_scope":
      return `${name} recognised this key, but it lacks a permission needed to ${proves}.`;
    case "no_access":
      return `${name} recognised this key, but it has no access to this API.`;
    case "server_error":
      return `Couldn't reach ${name} to check the key (it answered with an error, HTTP ${httpStatus}).`;
    case "unexpected_answer":
      return `Couldn't check the key: ${name} gave an answer we did not recognise (HTTP ${httpStatus}).`;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const bytes = await readLimited(response.body, MAX_KEY_CHECK_BYTES);
  if (!bytes) throw new AnswerTooLargeError(MAX_KEY_CHECK_BYTES);
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

function networkFailure(error: unknown, name: string, timeoutMs: number): string {
  const err = error as { name?: string; cause?: { message?: string; code?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError" || /TIMEOUT/.test(err.cause?.code ?? "")) {
    return `Couldn't reach ${name} to check the key (timed out after ${Math.round(timeoutMs / 100) / 10} s).`;
  }
  if (error instanceof AnswerTooLargeError) {
    return `Couldn't check the key: ${name} answered with more than ${error.maxBytes / (1 << 20)} MiB.`;
  }
  if (/redirect/i.test(err.cause?.message ?? "")) {
    return `Couldn't reach ${name} to check the key (it answered with a redirect, which is refused).`;
  }
  const code = err.cause?.code;
  const what = code === "ENOTFOUND" || code === "EAI_AGAIN" ? "its address could not be resolved" : "connection failed";
  return `Couldn't reach ${name} to check the key (${what}).`;
}

export function providerTimeoutMs(): number {
  const fromEnv = Number(process.env.PROVIDER_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS;
}

/** One key check, wherever it goes: the built-ins through plain fetch, custom endpoints through the guard. */
export interface KeyCheckTarget {
  /** Who the sentences name: "OpenAI", or the endpoint's own name. */
  name: string;
  /** For the log line: the registry id, or "custom". */
  label: string;
  url: string;
  /** The key's headers; none for an endpoint saved without a key. */
  authHeaders: Record<string, string>;
  spec: KeyCheckSpec;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

export async function runKeyCheck(target: KeyCheckTarget, timeoutMs: number): Promise<KeyCheckResult> {
  const started = Date.now();
  const record = (outcome: string) => {
    const ms = Date.now() - started;
    log.info({ scope: "providers", provider: target.label, outcome, ms }, `${target.label} key check: ${outcome} in ${ms} ms`);
  };
  const keyless = Object.keys(target.authHeaders).length === 0;

  let response: Response;
  let body: unknown;
  try {
    response = await target.fetch(target.url, {
      method: "GET",
      headers: { accept: "application/json", "user-agent": "byok-keyring/1", ...target.authHeaders },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
      cache: "no-store",
    });
    body = await readJson(response);
  } catch (error) {
    // A refusal of the outbound guard is the user's to fix (400), not the provider being down.
    if (error instanceof EndpointNotAllowedError) throw error;
    record(`unreachable (${(error as Error).name})`);
    return { valid: false, status: "unreachable", message: networkFailure(error, target.name, timeoutMs) };
  }

  const verdict = classifyKeyCheck(target.spec, response.status, body);
  record(`${verdict.status}/${verdict.reason} (HTTP ${response.status})`);
  return {
    valid: verdict.status === "valid" || verdict.status === "limited",
    status: verdict.status,
    message: describe(target.name, target.spec.proves, verdict, response.status, keyless),
    httpStatus: response.status,
  };
}

/** Asks a built-in provider about a key, at its catalogue address (or PROVIDER_BASE_URL_<ID>). */
export async function checkApiKey(registryId: string, apiKey: string, options: { timeoutMs?: number } = {}): Promise<KeyCheckResult> {
  const provider = getProviderInfo(registryId);
  if (!provider) throw new AppError("provider_not_found", "Keys for this provider cannot be checked.");
  const api = PROVIDER_API[provider.registryId];
  const target: KeyCheckTarget = {
    name: provider.name,
    label: registryId,
    url: `${providerBaseURL(provider)}${api.keyCheck.path}`,
    authHeaders: api.authHeaders(apiKey),
    spec: api.keyCheck,
    fetch,
  };
  return runKeyCheck(target, options.timeoutMs ?? providerTimeoutMs());
}
