"use client";

import { Plus, Trash2 } from "lucide-react";
import { type RefObject, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { DeleteConfirm } from "@/components/ui/delete-confirm";
import { callApi } from "@/lib/client/api";
import type { ProviderView } from "@/lib/validation/providers";
import type { CreatedTokenView, TokenView } from "@/lib/validation/tokens";
import { CreatedToken } from "./created-token";
import { CreateTokenForm } from "./create-token-form";
import { TokensView } from "./tokens-view";

/** What a press on the server's stand-in asked for before the panel was up: the form open, or a revoke confirmed. */
export type TokensStart = { create: true } | { revoke: string } | null;

interface TokensPanelProps {
  initialTokens: TokenView[];
  providers: ProviderView[];
  now: number;
  start?: TokensStart;
}

const listed = (created: CreatedTokenView): TokenView => {
  const { token: _secret, ...fields } = created;
  return { ...fields, lastUsedAt: null, usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 } };
};

/**
 * The panel's list and what is open (the form, a token just created), and what each step does to them; the keyboard
 * goes back to the Create button after each.
 */
function useTokens(initialTokens: TokenView[], start: TokensStart, createButton: RefObject<HTMLButtonElement | null>) {
  const [tokens, setTokens] = useState(initialTokens);
  const [creating, setCreating] = useState(start !== null && "create" in start);
  const [created, setCreated] = useState<CreatedTokenView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const focusCreate = () =>
    requestAnimationFrame(() => (createButton.current ?? document.getElementById("access-tokens"))?.focus());

  async function revoke(token: TokenView) {
    setError(null);
    const result = await callApi("revokeToken", { path: { id: token.id } });
    // Already gone (revoked in another tab): the same outcome.
    if (!result.ok && result.error.status !== 404) {
      setError(`Couldn't revoke “${token.name}”: ${result.error.message}`);
      return false;
    }
    setTokens((list) => list.filter((t) => t.id !== token.id));
    focusCreate();
    return true;
  }

  return {
    tokens,
    creating,
    created,
    error,
    revoke,
    openForm: () => setCreating(true),
    cancelForm() {
      setCreating(false);
      focusCreate();
    },
    add(token: CreatedTokenView) {
      setCreating(false);
      setCreated(token);
      setTokens((list) => [listed(token), ...list]);
    },
    doneWithCreated() {
      setCreated(null);
      focusCreate();
    },
  };
}

/** "Access tokens": create one (shown once), list them, revoke one after a confirmation. */
export function TokensPanel({ initialTokens, providers, now, start = null }: TokensPanelProps) {
  const createButton = useRef<HTMLButtonElement>(null);
  const panel = useTokens(initialTokens, start, createButton);
  const names = Object.fromEntries(providers.map((p) => [p.id, p.name]));

  return (
    <TokensView
      tokens={panel.tokens}
      names={names}
      now={now}
      error={panel.error}
      created={panel.created ? <CreatedToken token={panel.created} onDone={panel.doneWithCreated} /> : null}
      create={
        panel.creating ? (
          <CreateTokenForm providers={providers} onCancel={panel.cancelForm} onCreated={panel.add} />
        ) : (
          <Button ref={createButton} variant="outline" size="sm" onClick={panel.openForm} data-testid="create-token">
            <Plus aria-hidden />
            Create token
          </Button>
        )
      }
      revoke={(token) => (
        <RevokeButton
          token={token}
          startOpen={start !== null && "revoke" in start && start.revoke === token.id}
          onRevoke={() => panel.revoke(token)}
        />
      )}
    />
  );
}

function RevokeButton({
  token,
  startOpen,
  onRevoke,
}: {
  token: TokenView;
  startOpen: boolean;
  onRevoke: () => Promise<boolean>;
}) {
  const [open, setOpen] = useState(startOpen);
  const [revoking, setRevoking] = useState(false);
  return (
    <DeleteConfirm
      label="Revoke token"
      trigger={
        <Button
          variant="destructive-outline"
          size="sm"
          className="h-8 px-2.5 text-xs"
          aria-label={`Revoke ${token.name}`}
        >
          <Trash2 aria-hidden />
          Revoke
        </Button>
      }
      title={`Revoke the token “${token.name}”?`}
      description="Every tool that uses it is refused from now on, on every server. This cannot be undone: to use a tool again, create a new token."
      keepLabel="Keep token"
      open={open}
      onOpenChange={(next) => !revoking && setOpen(next)}
      waiting={false}
      deleting={revoking}
      onConfirm={() => {
        setRevoking(true);
        void onRevoke().then((done) => {
          setRevoking(false);
          if (!done) setOpen(false);
        });
      }}
    />
  );
}
