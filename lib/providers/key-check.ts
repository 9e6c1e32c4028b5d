import "server-only";
import { AppError, EndpointNotAllowedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { providerBaseURL } from "./base-url";
import { getProviderInfo } from "@/lib/domain/catalogue";
import { classifyKeyCheck, type KeyCheckSpec, type Verdict } from "./key-verdict";
import type { KeyCheckResult } from "@/lib/domain/key-status";
import { PROVIDER_API } from "./provider-api";
import { describeNetworkFailure, type GetFetch, providerGet, providerTimeoutMs } from "./provider-get";

/**
 * Asks a provider whether a key is good, with one request to its cheapest authenticated endpoint (no tokens
 * spent), a timeout, a size cap, no redirects and no retries (retries could lock an account): provider-get.ts.
 * Where that endpoint is and how its answer reads is the provider's entry in provider-api.ts; the verdict comes
 * from key-verdict.ts; the sentence the user reads is ours, never the provider's (providers echo keys).
 */

export const MAX_KEY_CHECK_BYTES = 1 << 20;

/**
 * Our sentence for a verdict. `proves` completes "the key can …"; `purpose` completes "Couldn't reach <name> to …"
 * (what the call was for: checking the key, listing its models); `keyless` for an endpoint asked without a key.
 */
export function describeVerdict(
  name: string,
  verdict: Verdict,
  httpStatus: number,
  words: { proves: string; purpose: string; keyless?: boolean },
): string {
  const { proves, purpose, keyless = false } = words;
  switch (verdict.reason) {
    case "accepted":
      return keyless
        ? `Verified with ${name}: it lets anyone ${proves} without a key.`
        : `Verified with ${name}: the key can ${proves}.`;
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
      return `Couldn't reach ${name} to ${purpose} (it answered with an error, HTTP ${httpStatus}).`;
    case "unexpected_answer":
      return `Couldn't ${purpose}: ${name} gave an answer we did not recognise (HTTP ${httpStatus}).`;
  }
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
  fetch?: GetFetch;
}

export interface KeyCheckOptions {
  timeoutMs?: number;
  /** Aborts the check early (a re-check pass stopping on shutdown). */
  signal?: AbortSignal;
  /** false: no log line (a re-check pass sums up instead). */
  log?: boolean;
}

const PURPOSE = "check the key";

export async function runKeyCheck(target: KeyCheckTarget, options: KeyCheckOptions = {}): Promise<KeyCheckResult> {
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs();
  const started = Date.now();
  const record = (outcome: string) => {
    if (options.log === false) return;
    const ms = Date.now() - started;
    log.info(
      { scope: "providers", provider: target.label, outcome, ms },
      `${target.label} key check: ${outcome} in ${ms} ms`,
    );
  };
  const keyless = Object.keys(target.authHeaders).length === 0;
  const timeout = AbortSignal.timeout(timeoutMs);

  let answer;
  try {
    answer = await providerGet(target.url, target.authHeaders, {
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
      maxBytes: MAX_KEY_CHECK_BYTES,
      fetch: target.fetch,
    });
  } catch (error) {
    // A refusal of the outbound guard is the user's to fix (400), not the provider being down.
    if (error instanceof EndpointNotAllowedError) throw error;
    record(`unreachable (${(error as Error).name})`);
    return {
      valid: false,
      status: "unreachable",
      message: describeNetworkFailure(error, target.name, PURPOSE, timeoutMs),
    };
  }

  const verdict = classifyKeyCheck(target.spec, answer.status, answer.body);
  record(`${verdict.status}/${verdict.reason} (HTTP ${answer.status})`);
  return {
    valid: verdict.status === "valid" || verdict.status === "limited",
    status: verdict.status,
    message: describeVerdict(target.name, verdict, answer.status, {
      proves: target.spec.proves,
      purpose: PURPOSE,
      keyless,
    }),
    httpStatus: answer.status,
  };
}

/** Asks a built-in provider about a key, at its catalogue address (or PROVIDER_BASE_URL_<ID>). */
export async function checkApiKey(
  registryId: string,
  apiKey: string,
  options: KeyCheckOptions = {},
): Promise<KeyCheckResult> {
  const provider = getProviderInfo(registryId);
  if (!provider) throw new AppError("provider_not_found", "Keys for this provider cannot be checked.");
  const api = PROVIDER_API[provider.registryId];
  return runKeyCheck(
    {
      name: provider.name,
      label: registryId,
      url: `${providerBaseURL(provider)}${api.keyCheck.path}`,
      authHeaders: api.authHeaders(apiKey),
      spec: api.keyCheck,
    },
    options,
  );
}
