"use client";

import { Plus, Trash2 } from "lucide-react";
import { useRef, useState } from "react";
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

/** "Access tokens": create one (shown once), list them, revoke one after a confirmation. */
export function TokensPanel({ initialTokens, providers, now, start = null }: TokensPanelProps) {
  const [tokens, setTokens] = useState(initialTokens);
  const [creating, setCreating] = useState(start !== null && "create" in start);
  const [created, setCreated] = useState<CreatedTokenView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const names = Object.fromEntries(providers.map((p) => [p.id, p.name]));

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

  return (
    <TokensView
      tokens={tokens}
      names={names}
      now={now}
      error={error}
      created={
        created ? (
          <CreatedToken
            token={created}
            onDone={() => {
              setCreated(null);
              focusCreate();
            }}
          />
        ) : null
      }
      create={
        creating ? (
          <CreateTokenForm
            providers={providers}
            onCancel={() => {
              setCreating(false);
              focusCreate();
            }}
            onCreated={(token) => {
              setCreating(false);
              setCreated(token);
              setTokens((list) => [listed(token), ...list]);
            }}
          />
        ) : (
          <Button
            ref={createButton}
            variant="outline"
            size="sm"
            onClick={() => setCreating(true)}
            data-testid="create-token"
          >
            <Plus aria-hidden />
            Create token
          </Button>
        )
      }
      revoke={(token) => (
        <RevokeButton
          token={token}
          startOpen={start !== null && "revoke" in start && start.revoke === token.id}
          onRevoke={() => revoke(token)}
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
