"use client";

// First: before the AI SDK's modules build their zod schemas (see the module).
import "@/lib/client/zod-jitless";
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { RotateCcw, Send, Square, Trash2 } from "lucide-react";
import Link from "next/link";
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { Button, buttonVariants } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { type PlaygroundMessage, readChatError, toWireMessages } from "@/lib/client/chat";
import { cn } from "@/lib/utils";
import { MAX_CHAT_CHARACTERS } from "@/lib/validation/chat-rules";
import { ChatProblemView, MessageView } from "./message-view";
import { ModelPicker, SELECT_CLASS } from "./model-picker";

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

/**
 * The playground: pick a provider and a model, write, and read the answer as it streams from the provider
 * through the user's own key (POST /api/chat, read by the AI SDK's `useChat`). Enter sends, Shift+Enter starts a
 * new line; Stop ends the answer (the server aborts the provider's request), Retry asks again, Clear starts over.
 */
export function Playground({ providers, initialProviderId }: { providers: PlaygroundProvider[]; initialProviderId?: string }) {
  const [providerId, setProviderId] = useState(() => providers.find((p) => p.id === initialProviderId)?.id ?? providers[0]?.id ?? "");
  const [model, setModel] = useState("");
  const [draft, setDraft] = useState("");
  const provider = providers.find((p) => p.id === providerId);

  const { messages, sendMessage, status, error, stop, regenerate, setMessages, clearError } = useChat<PlaygroundMessage>({
    transport,
    experimental_throttle: 50,
  });

  const busy = status === "submitted" || status === "streaming";
  const promptId = useId();
  const providerSelectId = useId();
  const hintId = useId();
  const prompt = useRef<HTMLTextAreaElement>(null);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "end" });
  }, [messages]);

  const changeModel = useCallback((next: string) => setModel(next), []);
  const tooLong = draft.length > MAX_CHAT_CHARACTERS;
  const canSend = !busy && draft.trim() !== "" && model.trim() !== "" && !tooLong && provider !== undefined;

  function send(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    clearError();
    void sendMessage({ text: draft }, { body: { providerId, model } });
    setDraft("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  function clear() {
    stop();
    setMessages([]);
    clearError();
    prompt.current?.focus();
  }

  if (!provider) {
    return (
      <section aria-labelledby="no-keys-title" className="rounded-lg border bg-card p-6" data-testid="playground-no-keys">
        <h2 id="no-keys-title" className="font-semibold">
          No key to chat with yet
        </h2>
        <p className="mt-1 text-sm text-muted-foreground">
          The playground answers through your own keys. Save and enable a key for a provider first.
        </p>
        <Link href="/settings" className={cn(buttonVariants(), "mt-4")}>
          Add a key in Settings
        </Link>
      </section>
    );
  }

  const problem = error ? readChatError(error) : undefined;
  const lastAssistant = messages.at(-1)?.role === "assistant" ? messages.at(-1) : undefined;

  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <div className="min-w-0 space-y-1.5">
          <Label htmlFor={providerSelectId}>Provider</Label>
          <select
            id={providerSelectId}
            className={SELECT_CLASS}
            value={providerId}
            onChange={(event) => setProviderId(event.target.value)}
            disabled={busy}
            data-testid="provider-select"
          >
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <ModelPicker key={provider.id} providerId={provider.id} providerName={provider.name} value={model} onChange={changeModel} disabled={busy} />
      </div>

      <section aria-label="Conversation" className="min-h-48 rounded-lg border bg-card">
        {messages.length === 0 ? (
          <p className="p-6 text-sm text-muted-foreground">
            Ask {provider.name} something. The answer streams here, through your key {provider.keyHint ? <code className="font-mono text-xs">{provider.keyHint}</code> : null}.
          </p>
        ) : (
          <ol role="log" aria-live="polite" aria-relevant="additions text" className="divide-y" data-testid="messages">
            {messages.map((message) => (
              <MessageView
                key={message.id}
                message={message}
                streaming={busy && message === lastAssistant}
                providerName={provider.name}
              />
            ))}
          </ol>
        )}
        {status === "submitted" ? (
          <p role="status" className="px-4 py-3 text-sm text-muted-foreground">
            Waiting for {provider.name}…
          </p>
        ) : null}
        {problem ? <ChatProblemView problem={problem} /> : null}
        <div ref={end} />
      </section>

      <form onSubmit={send} className="space-y-2" aria-label="Send a message">
        <Label htmlFor={promptId}>Message</Label>
        <textarea
          id={promptId}
          ref={prompt}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          rows={3}
          placeholder={`Message ${provider.name}`}
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
          className="block w-full resize-y rounded-md border border-input bg-background px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:ring-2 focus-visible:ring-ring aria-invalid:border-destructive"
          data-testid="prompt"
        />
        <p id={hintId} className={tooLong ? "text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {tooLong
            ? `At most ${MAX_CHAT_CHARACTERS.toLocaleString("en")} characters (${draft.length.toLocaleString("en")} now).`
            : "Enter sends, Shift+Enter starts a new line."}
        </p>
        <div className="flex flex-wrap gap-2">
          {busy ? (
            <Button type="button" variant="outline" onClick={() => stop()}>
              <Square aria-hidden />
              Stop
            </Button>
          ) : (
            <Button type="submit" disabled={!canSend}>
              <Send aria-hidden />
              Send
            </Button>
          )}
          <Button type="button" variant="outline" onClick={() => void regenerate({ body: { providerId, model } })} disabled={busy || messages.length === 0}>
            <RotateCcw aria-hidden />
            Retry
          </Button>
          <Button type="button" variant="ghost" onClick={clear} disabled={messages.length === 0 && !problem}>
            <Trash2 aria-hidden />
            Clear
          </Button>
        </div>
      </form>
    </div>
  );
}
