"use client";

import Link from "next/link";
import { useId } from "react";
import { buttonVariants } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import { Composer } from "./composer";
import { Conversation } from "./conversation";
import { ModelPicker, SELECT_CLASS } from "./model-picker";
import { type PlaygroundProvider, type PlaygroundState, usePlayground } from "./use-playground";

export type { PlaygroundProvider } from "./use-playground";

/**
 * The playground: pick a provider and a model, write, and read the answer as it streams from the provider
 * through the user's own key (POST /api/chat, read by the AI SDK's `useChat`). Enter sends, Shift+Enter starts a
 * new line; Stop ends the answer (the server aborts the provider's request), Retry asks again, Clear starts over.
 */
export function Playground({
  providers,
  initialProviderId,
}: {
  providers: PlaygroundProvider[];
  initialProviderId?: string;
}) {
  const chat = usePlayground(providers, initialProviderId);
  if (!chat.provider) return <NoKeysYet />;
  return (
    <div className="flex flex-col gap-4">
      <Pickers providers={providers} provider={chat.provider} chat={chat} />
      <Conversation chat={chat} provider={chat.provider} />
      <Composer chat={chat} provider={chat.provider} />
    </div>
  );
}

function Pickers({
  providers,
  provider,
  chat,
}: {
  providers: PlaygroundProvider[];
  provider: PlaygroundProvider;
  chat: PlaygroundState;
}) {
  const providerSelectId = useId();
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      <div className="min-w-0 space-y-1.5">
        <Label htmlFor={providerSelectId}>Provider</Label>
        <select
          id={providerSelectId}
          className={SELECT_CLASS}
          value={chat.providerId}
          onChange={(event) => chat.selectProvider(event.target.value)}
          disabled={chat.busy}
          data-testid="provider-select"
        >
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      {/* Keyed by the provider: another provider is a new picker, asking for its own models. */}
      <ModelPicker
        key={provider.id}
        providerId={provider.id}
        providerName={provider.name}
        value={chat.model}
        onChange={chat.changeModel}
        disabled={chat.busy}
      />
    </div>
  );
}

function NoKeysYet() {
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
