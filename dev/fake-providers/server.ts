import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RegistryId } from "@/lib/providers/catalogue";
import { behaviourOf } from "./behaviours";
import { chat } from "./chat";
import { ENDPOINT_PATHS, endpointMount, endpointReply } from "./endpoint";
import { json, keyCheckReply, send } from "./key-check-replies";

/** One request as the fake server saw it, with the credential it carried. */
export interface RecordedRequest {
  /** "custom" for the OpenAI-compatible endpoint mounts (endpoint.ts). */
  registryId: RegistryId | "custom";
  method: string;
  path: string;
  credential: string | undefined;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** The path prefix each provider lives under on the fake server, mirroring the real base URL's path. */
const BASE_PATH: Record<RegistryId, string> = {
  openai: "/openai/v1",
  anthropic: "/anthropic/v1",
  google: "/google/v1beta",
  mistral: "/mistral/v1",
  groq: "/groq/openai/v1",
  xai: "/xai/v1",
  deepseek: "/deepseek",
  openrouter: "/openrouter/api/v1",
};

/** PROVIDER_BASE_URL_<ID> for every provider, pointing at a fake server at `url`. */
export function fakeProviderEnv(url: string): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(BASE_PATH) as RegistryId[]).map((id) => [`PROVIDER_BASE_URL_${id.toUpperCase()}`, `${url}${BASE_PATH[id]}`]),
  );
}

function credentialOf(registryId: RegistryId, req: IncomingMessage, url: URL): string | undefined {
  if (registryId === "anthropic") return header(req, "x-api-key");
  if (registryId === "google") return header(req, "x-goog-api-key") ?? url.searchParams.get("key") ?? undefined;
  const auth = header(req, "authorization");
  return auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface FakeProviders {
  url: string;
  /** PROVIDER_BASE_URL_<ID> for every provider, pointing here. */
  env: Record<string, string>;
  baseURL: (registryId: RegistryId) => string;
  /** A custom endpoint's base URL here: `keyed` wants a key, `open` needs none. */
  endpointURL: (kind: keyof typeof ENDPOINT_PATHS) => string;
  requests: RecordedRequest[];
  /** How long a "slow" key keeps the client waiting before it is accepted as a valid one. */
  slowMs: number;
  close: () => Promise<void>;
}

/**
 * One local HTTP server that speaks each provider's real key-check endpoint, headers and error bodies (see
 * key-check-replies.ts), plus OpenAI-compatible chat completions and Anthropic messages, streaming or not.
 * A key's behaviour is a word inside it (see behaviours.ts). Every request is recorded with the credential it
 * carried.
 */
export async function startFakeProviders(
  options: { port?: number; slowMs?: number; /** Where "redirect" keys are sent (default: a path on this server). */ redirectTo?: string } = {},
): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  const state = { slowMs: options.slowMs ?? 30_000 };
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const mount = endpointMount(url.pathname);
    const registryId = mount ? "custom" : (Object.keys(BASE_PATH) as RegistryId[]).find((id) => url.pathname.startsWith(`${BASE_PATH[id]}/`));
    if (!registryId) return send(res, json(404, { error: "no such fake provider" }));
    const path = url.pathname.slice(mount ? mount.length : BASE_PATH[registryId as RegistryId].length);
    // Custom endpoints speak OpenAI's dialect: a Bearer key, OpenAI's error bodies.
    const dialect: RegistryId = registryId === "custom" ? "openai" : registryId;
    const credential = credentialOf(dialect, req, url);
    const body = await readBody(req);
    requests.push({ registryId, method: req.method ?? "GET", path, credential, headers: req.headers, body });
    const behaviour = behaviourOf(credential);

    if (behaviour === "slow") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) route();
      }, state.slowMs);
      timers.add(timer);
      return;
    }
    route();

    function route() {
      if (behaviour === "redirect") {
        return send(res, { status: 302, body: "", headers: { location: options.redirectTo ?? `${url.pathname}/elsewhere` } });
      }
      if (behaviour === "error500") {
        return send(res, keyCheckReply(dialect, behaviour, credential ?? "") ?? json(500, { error: { message: "Internal server error" } }));
      }
      if (behaviour === "malformed") {
        return send(res, { status: 200, body: "<html><body>Service temporarily unavailable</body></html>", headers: { "content-type": "text/html" } });
      }
      if (mount) return endpointReply(mount, path, behaviour, credential, req, body, res);
      const id = registryId as RegistryId;
      if (req.method === "POST" && (path === "/chat/completions" || path === "/messages")) {
        return chat(id, path, behaviour, credential ?? "", body, res);
      }
      const answerAs = behaviour === "slow" ? "valid" : behaviour; // a slow provider that answers in the end accepts
      const reply = keyCheckReply(id, answerAs, credential ?? "") ?? keyCheckReply(id, "invalid", credential ?? "");
      return send(res, reply!);
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseURL = (id: RegistryId) => `${url}${BASE_PATH[id]}`;
  const endpointURL = (kind: keyof typeof ENDPOINT_PATHS) => `${url}${ENDPOINT_PATHS[kind]}`;
  const env = fakeProviderEnv(url);

  return {
    url,
    env,
    baseURL,
    endpointURL,
    requests,
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(ms: number) {
      state.slowMs = ms;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
