import { KeyRound } from "lucide-react";
import Link from "next/link";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export function SiteHeader({ email }: { email?: string | null }) {
  return (
    <header className="border-b bg-card/60 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-5xl items-center gap-3 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <KeyRound className="size-5 text-primary" aria-hidden />
          Keyring
        </Link>
        <div className="ml-auto flex items-center gap-2">
          {email ? (
            <>
              <span className="hidden max-w-[16rem] truncate text-sm text-muted-foreground sm:inline" data-testid="signed-in-email">
                {email}
              </span>
              <SignOutButton />
            </>
          ) : null}
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}
