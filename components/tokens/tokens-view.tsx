import { KeyRound } from "lucide-react";
import type { ReactNode } from "react";
import { compactCount, plural, usd } from "@/lib/client/format";
import { relativeTime } from "@/lib/client/relative-time";
import { MAX_ACCESS_TOKENS_PER_USER } from "@/lib/domain/key-facts";
import type { TokenView } from "@/lib/validation/tokens";

interface TokensViewProps {
  tokens: TokenView[];
  /** Provider names by id (the catalogue and the user's endpoints). */
  names: Record<string, string>;
  now: number;
  /** "Create token", or the form in its place; the token just created above the list. */
  create: ReactNode;
  created?: ReactNode;
  /** A token's Revoke button. */
  revoke: (token: TokenView) => ReactNode;
  error?: string | null;
}

/**
 * The "Access tokens" section's markup, without state: the settings page renders it on the server (the panel's
 * code loads when it comes near the screen: deferred-tokens.tsx), and the panel (tokens-panel.tsx) as it changes.
 */
export function TokensView({ tokens, names, now, create, created, revoke, error }: TokensViewProps) {
  const full = tokens.length >= MAX_ACCESS_TOKENS_PER_USER;
  return (
    <section aria-labelledby="access-tokens" className="space-y-4" data-testid="tokens-section">
      <div className="space-y-1">
        <h2 id="access-tokens" tabIndex={-1} className="flex items-center gap-2 text-lg font-semibold outline-none">
          <KeyRound className="size-5 text-muted-foreground" aria-hidden />
          Access tokens
        </h2>
        <p className="text-sm text-muted-foreground">
          Use your keys from your own scripts and tools: point them at <code className="font-mono">/api/v1</code> with a
          token as their API key. Each token is shown once; only a hash of it is kept.
        </p>
      </div>
      {created}
      {full ? (
        <p role="note" className="rounded-md border border-warning/60 p-3 text-sm" data-testid="token-limit">
          You have {MAX_ACCESS_TOKENS_PER_USER} access tokens, the most you can hold. Revoke one to create another.
        </p>
      ) : (
        create
      )}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {tokens.length === 0 ? (
        <p
          className="rounded-lg border border-dashed p-6 text-center text-sm text-muted-foreground"
          data-testid="tokens-empty"
        >
          No access tokens yet. Create one for each tool or script that should use your keys.
        </p>
      ) : (
        <ul className="divide-y rounded-lg border bg-card" data-testid="token-list" aria-label="Your access tokens">
          {tokens.map((token) => (
            <TokenRow key={token.id} token={token} names={names} now={now} revoke={revoke(token)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TokenRow({
  token,
  names,
  now,
  revoke,
}: {
  token: TokenView;
  names: Record<string, string>;
  now: number;
  revoke: ReactNode;
}) {
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= now;
  return (
    <li
      className="flex flex-col gap-2 px-4 py-3 text-sm sm:flex-row sm:items-start sm:justify-between"
      data-testid={`token-${token.name}`}
    >
      <div className="min-w-0 space-y-0.5">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-medium break-all">{token.name}</span>
          <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs" data-testid="token-prefix">
            {token.prefix}…
          </code>
          {expired ? <span className="text-xs font-medium text-destructive">Expired</span> : null}
        </p>
        <p className="text-xs text-muted-foreground">
          {token.providerIds === null
            ? "Every provider"
            : token.providerIds.map((id) => names[id] ?? "a removed provider").join(", ")}
          {" · "}
          {token.expiresAt === null
            ? "No expiry"
            : `${expired ? "Expired" : "Expires"} ${token.expiresAt.slice(0, 10)}`}
          {token.budget
            ? ` · Budget ${usd(token.budget.monthlyMicroUsd)} a month (${token.budget.mode}), ${usd(token.budget.spentMicroUsd)} spent`
            : ""}
        </p>
        <p className="text-xs text-muted-foreground" data-testid="token-usage">
          {token.lastUsedAt ? `Used ${relativeTime(token.lastUsedAt, now)}` : "Never used"}
          {" · "}
          {token.usage.requests === 0
            ? "no requests in 30 days"
            : `${plural(token.usage.requests, "request")}, ${compactCount(token.usage.inputTokens + token.usage.outputTokens)} tokens, ${usd(token.usage.costMicroUsd)} priced in 30 days`}
        </p>
      </div>
      <div className="shrink-0">{revoke}</div>
    </li>
  );
}
