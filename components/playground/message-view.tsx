"use client";

import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { type ChatProblem, describeTokens, type PlaygroundMessage, textOf } from "@/lib/client/chat";
import { cn } from "@/lib/utils";
import { MarkdownAnswer } from "./markdown";

/** One turn: the user's text as written, or the answer as Markdown with the key that served it and its tokens. */
export function MessageView({ message, streaming, providerName }: { message: PlaygroundMessage; streaming: boolean; providerName: string }) {
  const text = textOf(message);
  if (message.role === "user") {
    return (
      <li className="space-y-1 px-4 py-3" data-testid="user-message">
        <p className="text-xs font-medium text-muted-foreground">You</p>
        <p className="text-sm break-words whitespace-pre-wrap">{text}</p>
      </li>
    );
  }
  const { metadata } = message;
  const tokens = describeTokens(metadata);
  return (
    <li className="space-y-1 bg-muted/30 px-4 py-3" data-testid="assistant-message" data-streaming={streaming || undefined}>
      <p className="text-xs font-medium text-muted-foreground">
        {providerName}
        {metadata?.model ? <span className="font-normal"> · {metadata.model}</span> : null}
        {streaming ? <span className="font-normal"> · answering…</span> : null}
      </p>
      {text ? <MarkdownAnswer text={text} /> : null}
      {!streaming && metadata?.keyHint !== undefined ? (
        <p className="pt-1 text-xs text-muted-foreground" data-testid="answer-facts">
          {metadata.keyHint ? (
            <>
              Answered with your key <code className="font-mono" data-testid="answer-key">{metadata.keyHint}</code>
            </>
          ) : (
            "Answered without a key"
          )}
          {tokens ? <span data-testid="answer-tokens"> · {tokens}</span> : null}
        </p>
      ) : null}
    </li>
  );
}

const TONE: Record<ChatProblem["kind"], string> = {
  invalid: "border-destructive/50 text-destructive",
  limited: "border-warning/60",
  unreachable: "border-warning/60",
  request: "border-destructive/50",
};

/** A failed answer: our classification, our sentence, and where to fix the key when the key is the problem. */
export function ChatProblemView({ problem }: { problem: ChatProblem }) {
  return (
    <div role="alert" className={cn("m-3 flex gap-2 rounded-md border p-3 text-sm", TONE[problem.kind])} data-testid="chat-error" data-kind={problem.kind}>
      <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0 space-y-1">
        <p className="font-medium">{problem.title}</p>
        <p className="break-words text-foreground">{problem.message}</p>
        {problem.settings ? (
          <p>
            <Link href="/settings" className="text-primary underline underline-offset-4">
              Fix the key in Settings
            </Link>
          </p>
        ) : null}
      </div>
    </div>
  );
}
