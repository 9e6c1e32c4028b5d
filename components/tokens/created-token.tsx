"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { CreatedTokenView } from "@/lib/validation/tokens";

/**
 * The token just created, shown this once (the server keeps only its hash): a read-only field to select, a Copy
 * button, and "Done", which removes it from the page for good.
 */
export function CreatedToken({ token, onDone }: { token: CreatedTokenView; onDone: () => void }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLParagraphElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied("yes");
    } catch {
      field.current?.select();
      setCopied("no");
    }
  }

  return (
    <div
      role="region"
      aria-labelledby="created-token-title"
      className="space-y-3 rounded-lg border border-success/50 bg-success/10 p-4 text-sm"
      data-testid="created-token"
    >
      <p id="created-token-title" ref={heading} tabIndex={-1} className="font-semibold outline-none">
        Token “{token.name}” created. Copy it now: you will not see it again.
      </p>
      <p className="text-muted-foreground">
        Only a hash of it is stored. If you lose it, revoke it and create another.
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor="created-token-value" className="sr-only">
          Your new access token
        </label>
        <input
          id="created-token-value"
          ref={field}
          readOnly
          value={token.token}
          className="h-9 w-full min-w-0 rounded-md border border-input bg-background px-3 font-mono text-xs outline-none focus-visible:ring-2 focus-visible:ring-ring"
          data-testid="created-token-value"
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="outline" onClick={() => void copy()}>
          {copied === "yes" ? <Check aria-hidden /> : <Copy aria-hidden />}
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
      <p role="status" className="text-xs">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "no"
            ? "This browser did not allow copying: the token is selected, press Ctrl+C (⌘C on a Mac)."
            : ""}
      </p>
    </div>
  );
}
