"use client";

import { RotateCcw, Send, Square, Trash2 } from "lucide-react";
import { type KeyboardEvent, useId, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { MAX_CHAT_CHARACTERS } from "@/lib/validation/chat-rules";
import type { PlaygroundProvider, PlaygroundState } from "./use-playground";

/** The message being written (Enter sends, Shift+Enter starts a line) and Send or Stop, Retry, Clear. */
export function Composer({ chat, provider }: { chat: PlaygroundState; provider: PlaygroundProvider }) {
  const promptId = useId();
  const hintId = useId();
  const prompt = useRef<HTMLTextAreaElement>(null);
  const { draft, tooLong } = chat;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      chat.send();
    }
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        chat.send();
      }}
      className="space-y-2"
      aria-label="Send a message"
    >
      <Label htmlFor={promptId}>Message</Label>
      <textarea
        id={promptId}
        ref={prompt}
        value={draft}
        onChange={(event) => chat.setDraft(event.target.value)}
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
      <ComposerButtons
        chat={chat}
        onClear={() => {
          chat.clear();
          prompt.current?.focus();
        }}
      />
    </form>
  );
}

function ComposerButtons({ chat, onClear }: { chat: PlaygroundState; onClear: () => void }) {
  const { busy, messages } = chat;
  return (
    <div className="flex flex-wrap gap-2">
      {busy ? (
        <Button type="button" variant="outline" onClick={chat.stop}>
          <Square aria-hidden />
          Stop
        </Button>
      ) : (
        <Button type="submit" disabled={!chat.canSend}>
          <Send aria-hidden />
          Send
        </Button>
      )}
      <Button type="button" variant="outline" onClick={chat.retry} disabled={busy || messages.length === 0}>
        <RotateCcw aria-hidden />
        Retry
      </Button>
      <Button type="button" variant="ghost" onClick={onClear} disabled={messages.length === 0 && !chat.problem}>
        <Trash2 aria-hidden />
        Clear
      </Button>
    </div>
  );
}
