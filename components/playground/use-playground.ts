"use client";

// First: before the AI SDK's modules build their zod schemas (see the module).
import "@/lib/client/zod-jitless";
import { useChat, type UseChatHelpers } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useCallback, useState } from "react";
import { type ChatProblem, type PlaygroundMessage, readChatError, toWireMessages } from "@/lib/client/chat";
import { MAX_CHAT_CHARACTERS } from "@/lib/validation/chat-rules";

/** What POST /api/chat takes: the picked provider and model come with each send, as the request's body. */
const transport = new DefaultChatTransport<PlaygroundMessage>({
  api: "/api/chat",
  prepareSendMessagesRequest: ({ messages, body }) => ({ body: { ...body, messages: toWireMessages(messages) } }),
});

/** A provider the user can chat with: an enabled, usable key is saved for it. */
export interface PlaygroundProvider {
  id: string;
  name: string;
  /** The saved key's mask ("" for an endpoint that needs no key). */
  keyHint: string;
}

/** How an answer ended, when it did not simply finish: stopped by the user, or failed (and why). */
export type AnswerOutcome = { kind: "stopped" } | { kind: "failed"; problem: ChatProblem };

/** The provider and model picked: a provider picked anew starts with no model (each has its own models). */
function usePick(providers: PlaygroundProvider[], initialProviderId: string | undefined) {
  const [providerId, setProviderId] = useState(
    () => providers.find((p) => p.id === initialProviderId)?.id ?? providers[0]?.id ?? "",
  );
  const [model, setModel] = useState("");
  return {
    providerId,
    model,
    changeModel: useCallback((next: string) => setModel(next), []),
    selectProvider(id: string) {
      setProviderId(id);
      setModel("");
    },
  };
}

/** What the conversation and the draft come to: busy, too long, sendable, the failure, the last answer. */
function conversationFacts(
  chat: Pick<UseChatHelpers<PlaygroundMessage>, "messages" | "status" | "error">,
  draft: string,
  model: string,
  hasProvider: boolean,
) {
  const { messages, status, error } = chat;
  const busy = status === "submitted" || status === "streaming";
  const tooLong = draft.length > MAX_CHAT_CHARACTERS;
  const canSend = !busy && draft.trim() !== "" && model.trim() !== "" && !tooLong && hasProvider;
  const problem = error ? readChatError(error) : undefined;
  const lastAssistant = messages.at(-1)?.role === "assistant" ? messages.at(-1) : undefined;
  return { busy, tooLong, canSend, problem, lastAssistant };
}

/**
 * The playground's state: the provider and model picked, the draft, the conversation (`useChat` over POST
 * /api/chat) and what became of each answer. A model typed or picked for one provider is never carried to
 * another (each has its own models).
 */
export function usePlayground(providers: PlaygroundProvider[], initialProviderId?: string) {
  const { providerId, model, changeModel, selectProvider } = usePick(providers, initialProviderId);
  const [draft, setDraft] = useState("");
  const [stopped, setStopped] = useState<ReadonlySet<string>>(new Set());
  // Stop pressed before the first words: there is no answer to say "Stopped" on, so the conversation says it.
  const [stoppedEarly, setStoppedEarly] = useState(false);
  const chat = useChat<PlaygroundMessage>({ transport, experimental_throttle: 50 });
  const { messages, status } = chat;

  const provider = providers.find((p) => p.id === providerId);
  const { busy, tooLong, canSend, problem, lastAssistant } = conversationFacts(
    chat,
    draft,
    model,
    provider !== undefined,
  );

  return {
    provider,
    providerId,
    model,
    draft,
    messages,
    status,
    busy,
    tooLong,
    canSend,
    problem,
    lastAssistant,
    stoppedEarly: stoppedEarly && !busy && messages.at(-1)?.role === "user",
    setDraft,
    changeModel,
    selectProvider,
    send() {
      if (!canSend) return;
      setStoppedEarly(false);
      chat.clearError();
      void chat.sendMessage({ text: draft }, { body: { providerId, model } });
      setDraft("");
    },
    stop() {
      if (lastAssistant && busy) setStopped((ids) => new Set(ids).add(lastAssistant.id));
      else if (busy) setStoppedEarly(true);
      void chat.stop();
    },
    retry() {
      setStoppedEarly(false);
      void chat.regenerate({ body: { providerId, model } });
    },
    clear() {
      void chat.stop();
      chat.setMessages([]);
      chat.clearError();
    },
    /** How this answer ended when it did not finish: stopped, or the failure the conversation ended with. */
    outcomeOf(message: PlaygroundMessage): AnswerOutcome | undefined {
      if (stopped.has(message.id)) return { kind: "stopped" };
      if (problem && message === lastAssistant && !busy) return { kind: "failed", problem };
      return undefined;
    },
  };
}

export type PlaygroundState = ReturnType<typeof usePlayground>;
