import { Plus, Trash2 } from "lucide-react";
import { buttonVariants } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import type { ProviderView } from "@/lib/validation/providers";
import type { TokenView } from "@/lib/validation/tokens";
import { TokensView } from "./tokens-view";

/**
 * "Access tokens" as the server renders it, until the panel's code is there (deferred-tokens.tsx): the same markup,
 * with plain buttons (a server component passes no handlers) that DeferredTokens answers by their `data-wake`.
 */
export function TokensStandIn({
  tokens,
  providers,
  now,
}: {
  tokens: TokenView[];
  providers: ProviderView[];
  now: number;
}) {
  return (
    <TokensView
      tokens={tokens}
      names={Object.fromEntries(providers.map((p) => [p.id, p.name]))}
      now={now}
      create={
        <button
          type="button"
          className={buttonVariants({ variant: "outline", size: "sm" })}
          data-wake="create"
          data-testid="create-token"
        >
          <Plus aria-hidden />
          Create token
        </button>
      }
      revoke={(token) => (
        <button
          type="button"
          className={cn(buttonVariants({ variant: "destructive-outline", size: "sm" }), "h-8 px-2.5 text-xs")}
          aria-label={`Revoke ${token.name}`}
          data-wake={`revoke:${token.id}`}
        >
          <Trash2 aria-hidden />
          Revoke
        </button>
      )}
    />
  );
}
