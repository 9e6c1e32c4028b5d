import type { IncomingMessage, ServerResponse } from "node:http";
import type { Behaviour } from "./behaviours";
import { type ChatPacing, chat } from "./chat";
import { json, keyCheckReply, send } from "./key-check-replies";

/**
 * A self-hosted, OpenAI-compatible server (Ollama, vLLM, LM Studio…), for custom endpoints. Two mounts:
 * `/compat/v1` wants a key and answers as the word in it says (like the built-in fakes); `/open/v1` needs no
 * key and answers every request as valid, as a local Ollama does.
 */
export const ENDPOINT_PATHS = { keyed: "/compat/v1", open: "/open/v1" } as const;

export const ENDPOINT_MODELS = [
  { id: "llama3.2:3b", object: "model", created: 1, owned_by: "library" },
  { id: "qwen2.5-coder:7b", object: "model", created: 1, owned_by: "library" },
];

/** The mount a path is under, or undefined. */
export function endpointMount(pathname: string): string | undefined {
  return Object.values(ENDPOINT_PATHS).find((base) => pathname.startsWith(`${base}/`));
}

export function endpointReply(
  mount: string,
  path: string,
  behaviour: Behaviour,
  key: string | undefined,
  req: IncomingMessage,
  body: unknown,
  res: ServerResponse,
  pacing?: ChatPacing,
) {
  const effective: Behaviour = mount === ENDPOINT_PATHS.open && key === undefined ? "valid" : behaviour;
  if (req.method === "POST" && path === "/chat/completions")
    return void chat("openai", path, effective, key ?? "", body, res, pacing);
  if (path !== "/models") return send(res, json(404, { error: { message: `no route ${path}`, type: "not_found" } }));
  if (effective === "valid" || effective === "cut")
    return send(res, json(200, { object: "list", data: ENDPOINT_MODELS }));
  if (effective === "huge") return huge(res);
  return send(res, keyCheckReply("openai", effective, key ?? "") ?? keyCheckReply("openai", "invalid", key ?? "")!);
}

/** 3 MiB of a JSON models list, streamed without a Content-Length: only a reader's own cap stops it. */
function huge(res: ServerResponse) {
  res.writeHead(200, { "content-type": "application/json" });
  const filler = JSON.stringify({ id: "x".repeat(1000), object: "model" });
  res.write('{"object":"list","data":[');
  for (let i = 0; i < 3 * 1024; i++) res.write(`${i ? "," : ""}${filler}`);
  res.end("]}");
}
