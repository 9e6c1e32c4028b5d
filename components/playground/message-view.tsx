"use client";

import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { type ChatProblem, describeCost, describeTokens, type PlaygroundMessage, textOf } from "@/lib/client/chat";
import type { ChatMetadata } from "@/lib/validation/chat-rules";
import { cn } from "@/lib/utils";
import { MarkdownAnswer } from "./markdown";
import type { AnswerOutcome } from "./use-playground";

interface MessageViewProps {
  message: PlaygroundMessage;
  streaming: boolean;
  /** How the answer ended when it did not finish: stopped, or failed. */
  outcome?: AnswerOutcome;
  providerName: string;
}

/** One turn: the user's text as written, or the answer as Markdown with how it ended, the key and its tokens. */
export function MessageView({ message, streaming, outcome, providerName }: MessageViewProps) {
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
  return (
    <li
      className="space-y-1 bg-muted/30 px-4 py-3"
      data-testid="assistant-message"
      data-streaming={streaming || undefined}
    >
      <p className="text-xs font-medium text-muted-foreground">
        {providerName}
        {metadata?.model ? <span className="font-normal"> · {metadata.model}</span> : null}
        {streaming ? <span className="font-normal"> · answering…</span> : null}
      </p>
      {text ? <MarkdownAnswer text={text} /> : null}
      {!streaming && (metadata?.keyHint !== undefined || outcome) ? (
        <AnswerFacts metadata={metadata} outcome={outcome} />
      ) : null}
    </li>
  );
}

/** How a failed answer's line begins: never "Answered", which it was not. */
const FAILED: Record<ChatProblem["kind"], string> = {
  invalid: "Rejected",
  limited: "Limited",
  unreachable: "Failed",
  request: "Not sent",
};

/** "Answered with your key sk-…· 12 tokens in, 30 out", "Stopped · with your key …", "Rejected with your key …". */
function AnswerFacts({
  metadata,
  outcome,
}: {
  metadata: ChatMetadata | undefined;
  outcome: AnswerOutcome | undefined;
}) {
  const tokens = outcome ? undefined : describeTokens(metadata);
  const cost = outcome ? undefined : describeCost(metadata);
  const how = !outcome ? "Answered" : outcome.kind === "stopped" ? "Stopped" : FAILED[outcome.problem.kind];
  const key = metadata?.keyHint;
  return (
    <p
      className="pt-1 text-xs text-muted-foreground"
      data-testid="answer-facts"
      data-outcome={outcome?.kind ?? "answered"}
    >
      {key === undefined ? (
        how
      ) : key ? (
        <>
          {how}
          {outcome?.kind === "stopped" ? " · " : " "}with your key{" "}
          <code className="font-mono" data-testid="answer-key">
            {key}
          </code>
        </>
      ) : (
        `${how} without a key`
      )}
      {tokens ? <span data-testid="answer-tokens"> · {tokens}</span> : null}
      {cost ? (
        <span
          data-testid="answer-cost"
          title={cost === "unpriced" ? "This model has no price: set one in Settings, Prices." : undefined}
        >
          {" · "}
          {cost}
        </span>
      ) : null}
    </p>
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
    <div
      role="alert"
      className={cn("m-3 flex gap-2 rounded-md border p-3 text-sm", TONE[problem.kind])}
      data-testid="chat-error"
      data-kind={problem.kind}
    >
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
