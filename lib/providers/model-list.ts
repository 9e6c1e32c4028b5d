import "server-only";
import { AppError, EndpointNotAllowedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { providerBaseURL } from "./base-url";
import { getProviderInfo } from "@/lib/domain/catalogue";
import { describeVerdict } from "./key-check";
import { classifyKeyCheck } from "./key-verdict";
import type { KeyStatus } from "@/lib/domain/key-status";
import { type ModelInfo, PROVIDER_API, type ProviderApi } from "./provider-api";
import { describeNetworkFailure, type GetFetch, providerGet, providerTimeoutMs } from "./provider-get";

/**
 * The models a key can reach, from its provider's own list endpoint (provider-api.ts says where and how to read
 * it), page after page, under the rules of provider-get.ts. Each page is judged like a key check (a rejected
 * key, a throttled one, a foreign answer), so the caller learns the key's health from the same call.
 */

export const MAX_PAGE_BYTES = 8 << 20; // OpenRouter's catalogue, with descriptions, is a few MB
const MAX_PAGES = 20;
const PURPOSE = "list its models";

export type ModelListResult =
  | { status: "valid"; models: ModelInfo[]; message: string; provesKey: boolean }
  | { status: Exclude<KeyStatus, "valid" | "undecryptable">; message: string };

/** Where one model list is read: a built-in at its catalogue address, or a custom endpoint through the guard. */
export interface ModelListTarget {
  name: string;
  /** For the log line: the registry id, or "custom". */
  label: string;
  baseUrl: string;
  api: ProviderApi;
  apiKey: string;
  fetch?: GetFetch;
}

/** The models of a built-in provider, at its catalogue address (or PROVIDER_BASE_URL_<ID>). */
export async function fetchModelList(
  registryId: string,
  apiKey: string,
  options: { timeoutMs?: number } = {},
): Promise<ModelListResult> {
  const provider = getProviderInfo(registryId);
  if (!provider) throw new AppError("provider_not_found", "Models of this provider cannot be listed.");
  const target = {
    name: provider.name,
    label: registryId,
    baseUrl: providerBaseURL(provider),
    api: PROVIDER_API[provider.registryId],
    apiKey,
  };
  return readModelList(target, options);
}

export async function readModelList(
  target: ModelListTarget,
  options: { timeoutMs?: number } = {},
): Promise<ModelListResult> {
  const { api, apiKey } = target;
  const spec = api.models;
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs();
  const signal = AbortSignal.timeout(timeoutMs); // one budget for every page
  const started = Date.now();
  const record = (outcome: string) => {
    const ms = Date.now() - started;
    log.info(
      { scope: "providers", provider: target.label, outcome, ms },
      `${target.label} model list: ${outcome} in ${ms} ms`,
    );
  };
  const words = { proves: "list models", purpose: PURPOSE };
  const byId = new Map<string, ModelInfo>();

  let query: Record<string, string> | undefined | null = spec.query;
  for (let page = 1; page <= MAX_PAGES && query !== null; page++) {
    const url = new URL(`${target.baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    let answer;
    try {
      answer = await providerGet(url.toString(), api.authHeaders(apiKey), {
        signal,
        maxBytes: MAX_PAGE_BYTES,
        fetch: target.fetch,
      });
    } catch (error) {
      if (error instanceof EndpointNotAllowedError) throw error;
      record(`unreachable (${(error as Error).name}) on page ${page}`);
      return { status: "unreachable", message: describeNetworkFailure(error, target.name, PURPOSE, timeoutMs) };
    }
    const read = answer.status === 200 ? spec.read(answer.body) : undefined;
    const verdict = classifyKeyCheck(
      { accepts: () => read !== undefined, exceptions: api.keyCheck.exceptions },
      answer.status,
      answer.body,
    );
    if (verdict.status !== "valid" || !read) {
      record(`${verdict.status}/${verdict.reason} (HTTP ${answer.status}) on page ${page}`);
      const status = verdict.status === "valid" ? "unreachable" : verdict.status;
      return { status, message: describeVerdict(target.name, verdict, answer.status, words) };
    }
    for (const model of read.models) if (!byId.has(model.id)) byId.set(model.id, model);
    query = read.next ?? null;
  }
  record(`${byId.size} models`);
  const models = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return {
    status: "valid",
    models,
    provesKey: spec.provesKey,
    message: describeVerdict(target.name, { status: "valid", reason: "accepted" }, 200, words),
  };
}
