import { z } from "zod";
import { providerIdField } from "./api-keys";
import { MAX_CHAT_CHARACTERS, MAX_CHAT_MESSAGES } from "./chat-rules";
import { modelIdField } from "@/lib/domain/model-id";

export type { ChatFailureView, ChatMetadata } from "./chat-rules";

/** POST /api/chat: one turn of a conversation, sent whole (the server keeps no history). */

const chatMessageSchema = z
  .strictObject({
    role: z.enum(["user", "assistant"], { error: 'role must be "user" or "assistant".' }),
    content: z
      .string({ error: "content must be text." })
      .refine((text) => text.trim() !== "", { error: "content must not be empty." }),
  })
  .meta({ id: "ChatMessage" });

export const chatRequestSchema = z
  .strictObject({
    providerId: providerIdField.meta({
      description: "The provider whose stored, enabled key answers (a uuid from GET /api/providers).",
    }),
    model: modelIdField,
    messages: z
      .array(chatMessageSchema, { error: "messages must be a list of { role, content }." })
      .min(1, { error: "messages must hold at least one message." })
      .max(MAX_CHAT_MESSAGES, { error: `messages must hold at most ${MAX_CHAT_MESSAGES} messages.` })
      .refine((messages) => messages.reduce((n, m) => n + m.content.length, 0) <= MAX_CHAT_CHARACTERS, {
        error: `messages must hold at most ${MAX_CHAT_CHARACTERS.toLocaleString("en")} characters in all.`,
      }),
  })
  .meta({ id: "ChatRequest" });

export type ChatRequest = z.infer<typeof chatRequestSchema>;
