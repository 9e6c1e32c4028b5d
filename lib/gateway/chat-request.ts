import "server-only";
import { z } from "zod";
import { GatewayError } from "./errors";

/**
 * What the gateway checks of an OpenAI Chat Completions request before anything else: the fields it reads or
 * translates, each of the right type (400 naming the field otherwise). Fields it does not know are left to the
 * provider (an OpenAI-compatible provider gets the request as sent, model replaced).
 */
const textPart = z.looseObject({ type: z.string({ error: "must name its type" }), text: z.string().optional() });
const content = z.union([z.string(), z.array(textPart)], { error: "must be text or a list of content parts" });

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
    error: "must be system, developer, user, assistant or tool",
  }),
  content: content.nullable().optional(),
});

const positiveInt = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be at least 1" });

export const chatCompletionSchema = z.looseObject({
  model: z.string({ error: "must be a model name" }),
  messages: z
    .array(message, { error: "must be a list of messages" })
    .min(1, { error: "must hold at least one message" }),
  stream: z.boolean({ error: "must be true or false" }).nullable().optional(),
  stream_options: z
    .looseObject({ include_usage: z.boolean({ error: "must be true or false" }).optional() })
    .nullable()
    .optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  temperature: z
    .number({ error: "must be a number" })
    .min(0, { error: "must be 0 or more" })
    .max(2, { error: "must be at most 2" })
    .nullable()
    .optional(),
  top_p: z
    .number({ error: "must be a number" })
    .min(0, { error: "must be 0 or more" })
    .max(1, { error: "must be at most 1" })
    .nullable()
    .optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)], { error: "must be text or a list of up to 4" })
    .nullable()
    .optional(),
  n: z
    .number({ error: "must be a number" })
    .int()
    .min(1)
    .max(1, { error: "must be 1: the gateway answers one choice" })
    .nullable()
    .optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionSchema>;

/** The body checked (400 naming the first field that is wrong), as it was sent. */
export function checkChatRequest(body: Record<string, unknown>): ChatCompletionRequest {
  return checked(chatCompletionSchema, body);
}

export function checked<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "body";
  throw new GatewayError("invalid_request", "invalid_request_body", `${field}: ${issue.message}.`);
}

/** The conversation's size, for the budget hold's estimate (lib/spend/estimate.ts). */
export function conversationSize(messages: readonly Record<string, unknown>[]): {
  characters: number;
  messages: number;
} {
  let characters = 0;
  for (const m of messages)
    characters += typeof m.content === "string" ? m.content.length : JSON.stringify(m.content ?? "").length;
  return { characters, messages: messages.length };
}
