import { z } from "zod";
import { chatRequestSchema } from "@/lib/validation/chat";
import { operation } from "./operation";

/** The playground's answers. */
export const chatOperations = {
  chat: operation({
    method: "post",
    path: "/api/chat",
    summary: "Stream an answer from a provider through the signed-in user's own enabled key (the playground)",
    signedIn: true,
    // The answer's one statement before the provider is asked checks the session (lib/db/chat-start.ts).
    sessionCheckedByHandler: true,
    flag: "showPlayground",
    body: chatRequestSchema,
    // 32,000 characters of text can be 128,000 bytes of UTF-8, plus the JSON around them.
    maxBodyBytes: 160 * 1024,
    status: 200,
    response: z.string(),
    stream: {
      contentType: "text/event-stream",
      description:
        "The AI SDK UI message stream (what `useChat` reads). Header `X-Key-Hint`: the mask of the key used; " +
        "`Server-Timing`: `db` (the statement before the provider is asked) and `provider` (until its first output), in ms. A provider " +
        'failure ends the stream with an `error` part whose `errorText` is JSON `{ "status": "invalid" | "limited" | ' +
        '"unreachable", "message" }`. The finish part\'s `messageMetadata` holds `keyHint`, `model`, `inputTokens`, `outputTokens`.',
    },
    errors: [
      "provider_not_found",
      "api_key_not_found",
      "api_key_disabled",
      "api_key_undecryptable",
      "endpoint_not_allowed",
      "budget_exceeded",
      "rate_limited",
      "key_service_unavailable",
    ],
  }),
} as const;
