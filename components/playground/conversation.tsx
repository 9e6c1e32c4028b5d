"use client";

import { useEffect, useRef } from "react";
import { ChatProblemView, MessageView } from "./message-view";
import type { PlaygroundProvider, PlaygroundState } from "./use-playground";

/** The conversation so far, the wait for the first words, and the failure it ended with; kept scrolled to its end. */
export function Conversation({ chat, provider }: { chat: PlaygroundState; provider: PlaygroundProvider }) {
  const { messages, busy, lastAssistant, problem } = chat;
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages]);
  return (
    <section aria-label="Conversation" className="min-h-48 rounded-lg border bg-card">
      {messages.length === 0 ? (
        <p className="p-6 text-sm text-muted-foreground">
          Ask {provider.name} something. The answer streams here, through your key{" "}
          {provider.keyHint ? <code className="font-mono text-xs">{provider.keyHint}</code> : null}.
        </p>
      ) : (
        <div role="log" aria-live="polite" aria-relevant="additions text" data-testid="messages">
          <ol className="divide-y">
            {messages.map((message) => (
              <MessageView
                key={message.id}
                message={message}
                streaming={busy && message === lastAssistant}
                outcome={chat.outcomeOf(message)}
                providerName={provider.name}
              />
            ))}
          </ol>
        </div>
      )}
      {chat.stoppedEarly ? (
        <p role="status" className="px-4 py-3 text-sm text-muted-foreground" data-testid="stopped-early">
          Stopped before {provider.name} answered.
        </p>
      ) : null}
      {chat.status === "submitted" ? (
        <p role="status" className="px-4 py-3 text-sm text-muted-foreground">
          Waiting for {provider.name}…
        </p>
      ) : null}
      {problem ? <ChatProblemView problem={problem} /> : null}
      <div ref={end} />
    </section>
  );
}
