import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RegistryId } from "@/lib/domain/catalogue";
import { behaviourOf } from "./behaviours";
import { type ChatPacing, chat, chatPathOf, cutByFake, defaultPacing } from "./chat";
import { ENDPOINT_PATHS, endpointMount, endpointReply } from "./endpoint";
import { deepseekBalanceReply, json, keyCheckReply, send } from "./key-check-replies";
import { modelListReply, ODD_MODEL_LIST } from "./model-lists";

/** One request as the fake server saw it, with the credential it carried. */
export interface RecordedRequest {
  /** "custom" for the OpenAI-compatible endpoint mounts (endpoint.ts). */
  registryId: RegistryId | "custom";
  method: string;
  path: string;
  credential: string | undefined;
  headers: IncomingMessage["headers"];
  body: unknown;
  /** Set when the client closed the connection before the answer was complete (e.g. a chat stream stopped). */
  aborted?: boolean;
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
    (Object.keys(BASE_PATH) as RegistryId[]).map((id) => [
      `PROVIDER_BASE_URL_${id.toUpperCase()}`,
      `${url}${BASE_PATH[id]}`,
    ]),
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
  /** From now on every provider rejects this key, whatever word it holds (a key revoked at the provider). */
  revoke: (key: string) => void;
  /** Undoes `revoke`. */
  restore: (key: string) => void;
  /** How streamed chat answers are paced (also `POST /__control/chat { chunks, intervalMs }`). */
  chat: ChatPacing;
  close: () => Promise<void>;
}

/** The control endpoints, for a fake server running in another process (browser tests, `npm run fake-providers`). */
const CONTROL_PATH = "/__control/";

/**
 * One local HTTP server that speaks each provider's real key-check endpoint, headers and error bodies (see
 * key-check-replies.ts), its list-models endpoint with its pagination (model-lists.ts), plus OpenAI-compatible
 * chat in each provider's wire format, streaming or not (chat.ts). A key's behaviour is a word inside it (see
 * behaviours.ts); `POST /__control/revoke` or `/__control/restore` with `{ "key": "…" }` makes every provider
 * start (or stop) rejecting a key that was valid; `POST /__control/chat { chunks, intervalMs }` paces streamed
 * answers (defaults: FAKE_CHAT_CHUNKS, FAKE_CHAT_INTERVAL_MS). Every request is recorded with the credential it
 * carried, and whether the client went away before the answer was complete.
 */
export async function startFakeProviders(
  options: {
    port?: number;
    slowMs?: number;
    /** Where "redirect" keys are sent (default: a path on this server). */
    redirectTo?: string;
    chat?: Partial<ChatPacing>;
  } = {},
): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  const state = { slowMs: options.slowMs ?? 30_000, chat: { ...defaultPacing(), ...options.chat } };
  const timers = new Set<NodeJS.Timeout>();
  const revoked = new Set<string>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname.startsWith(CONTROL_PATH))
      return control(url.pathname.slice(CONTROL_PATH.length), await readBody(req), res);
    const mount = endpointMount(url.pathname);
    const registryId = mount
      ? "custom"
      : (Object.keys(BASE_PATH) as RegistryId[]).find((id) => url.pathname.startsWith(`${BASE_PATH[id]}/`));
    if (!registryId) return send(res, json(404, { error: "no such fake provider" }));
    const path = url.pathname.slice(mount ? mount.length : BASE_PATH[registryId as RegistryId].length);
    // Custom endpoints speak OpenAI's dialect: a Bearer key, OpenAI's error bodies.
    const dialect: RegistryId = registryId === "custom" ? "openai" : registryId;
    const credential = credentialOf(dialect, req, url);
    const body = await readBody(req);
    const record: RecordedRequest = {
      registryId,
      method: req.method ?? "GET",
      path,
      credential,
      headers: req.headers,
      body,
    };
    requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished && !cutByFake.has(res)) record.aborted = true;
    });
    const behaviour = credential && revoked.has(credential) ? "invalid" : behaviourOf(credential);

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
        return send(res, {
          status: 302,
          body: "",
          headers: { location: options.redirectTo ?? `${url.pathname}/elsewhere` },
        });
      }
      if (behaviour === "error500") {
        return send(
          res,
          keyCheckReply(dialect, behaviour, credential ?? "") ??
            json(500, { error: { message: "Internal server error" } }),
        );
      }
      if (behaviour === "malformed") {
        return send(res, {
          status: 200,
          body: "<html><body>Service temporarily unavailable</body></html>",
          headers: { "content-type": "text/html" },
        });
      }
      if (mount) return endpointReply(mount, path, behaviour, credential, req, body, res, state.chat);
      const id = registryId as RegistryId;
      if (chatPathOf(id, req.method ?? "GET", path))
        return void chat(id, path, behaviour, credential ?? "", body, res, state.chat);
      if (id === "deepseek" && req.method === "GET" && path === "/user/balance")
        return send(res, deepseekBalanceReply(behaviour, credential ?? ""));
      if (req.method === "GET" && path === "/models") {
        if (behaviour === "oddshape") return send(res, ODD_MODEL_LIST);
        // OpenRouter's catalogue is public: it answers whatever key comes with the request, or none.
        if (behaviour === "valid" || behaviour === "cut" || id === "openrouter")
          return send(res, modelListReply(id, url.searchParams));
      }
      // A slow provider that answers in the end accepts; an odd-shaped one, or one that cuts chats, checks keys as usual.
      const as = behaviour === "slow" || behaviour === "oddshape" || behaviour === "cut" ? "valid" : behaviour;
      const reply = keyCheckReply(id, as, credential ?? "") ?? keyCheckReply(id, "invalid", credential ?? "");
      return send(res, reply!);
    }
  });

  function control(action: string, body: unknown, res: ServerResponse) {
    if (action === "chat") {
      const { chunks, intervalMs } = (body ?? {}) as Partial<Record<keyof ChatPacing, unknown>>;
      const ok = (v: unknown, min: number) =>
        v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= min);
      if (!ok(chunks, 1) || !ok(intervalMs, 0))
        return send(
          res,
          json(400, { error: "POST /__control/chat with { chunks?: integer ≥ 1, intervalMs?: integer ≥ 0 }" }),
        );
      state.chat = {
        chunks: (chunks as number | undefined) ?? state.chat.chunks,
        intervalMs: (intervalMs as number | undefined) ?? state.chat.intervalMs,
      };
      return send(res, json(200, state.chat));
    }
    const key = (body as { key?: unknown } | undefined)?.key;
    if (typeof key !== "string" || !["revoke", "restore"].includes(action)) {
      return send(res, json(400, { error: 'POST /__control/revoke or /__control/restore with { "key": "…" }' }));
    }
    if (action === "revoke") revoked.add(key);
    else revoked.delete(key);
    send(res, json(200, { [action === "revoke" ? "revoked" : "restored"]: true }));
  }

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
    get chat() {
      return state.chat;
    },
    set chat(pacing: ChatPacing) {
      state.chat = pacing;
    },
    revoke: (key) => void revoked.add(key),
    restore: (key) => void revoked.delete(key),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
