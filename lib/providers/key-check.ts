import "server-only";
import { AppError } from "@/lib/errors";
import { readLimited } from "@/lib/http/read-limited";
import { log } from "@/lib/log";
import { providerBaseURL } from "./base-url";
import { getProviderInfo } from "./catalogue";
import { classifyKeyCheck, type Verdict } from "./key-verdict";
import type { KeyCheckResult } from "./key-status";
import { PROVIDER_API } from "./provider-api";

/**
 * Asks a provider whether a key is good, with one request to its cheapest authenticated endpoint (no tokens
 * spent), a timeout, no redirects and no retries (retries could lock an account). Where that endpoint is and how
 * its answer reads is the provider's entry in provider-api.ts; the verdict comes from key-verdict.ts; the
 * sentence the user reads is ours, never the provider's (providers echo keys).
 */

const DEFAULT_TIMEOUT_MS = 8_000;
const MAX_BODY_BYTES = 1 << 20;

function describe(name: string, proves: string, verdict: Verdict, httpStatus: number): string {
  switch (verdict.reason) {
    case "accepted":
      return `Verified with ${name}: the key can ${proves}.`;
    case "rejected":
      return `${name} rejected this key.`;
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
  const api = PROVIDER_API[provider.registryId];
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs();
  const started = Date.now();
  const record = (outcome: string) => {
    const ms = Date.now() - started;
    log.info({ scope: "providers", provider: registryId, outcome, ms }, `${registryId} key check: ${outcome} in ${ms} ms`);
  };

  let response: Response;
  let body: unknown;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(`${providerBaseURL(provider)}${api.keyCheck.path}`, {
      method: "GET",
      headers: { accept: "application/json", "user-agent": "byok-keyring/1", ...api.authHeaders(apiKey) },
      redirect: "error",
      signal,
      cache: "no-store",
    });
    body = await readJson(response);
  } catch (error) {
    record(`unreachable (${(error as Error).name})`);
    return { valid: false, status: "unreachable", message: networkFailure(error, provider.name, timeoutMs) };
  }

  const verdict = classifyKeyCheck(api.keyCheck, response.status, body);
  record(`${verdict.status}/${verdict.reason} (HTTP ${response.status})`);
  return {
    valid: verdict.status === "valid" || verdict.status === "limited",
    status: verdict.status,
    message: describe(provider.name, api.keyCheck.proves, verdict, response.status),
    httpStatus: response.status,
  };
}
