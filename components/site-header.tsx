import { KeyRound } from "lucide-react";
import Link from "next/link";
import { isFeatureEnabled } from "@/lib/feature-flags";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

/** Server component (it reads the feature flags): the signed-in user's pages, and the way out. */
export function SiteHeader({ email, current }: { email?: string | null; current?: "settings" | "playground" }) {
  const pages = [
    { id: "settings", href: "/settings", label: "Settings" },
    ...(isFeatureEnabled("showPlayground") ? [{ id: "playground", href: "/playground", label: "Playground" }] : []),
  ];
  return (
    <header className="border-b bg-card/60 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-5xl items-center gap-3 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold">
          <KeyRound className="size-5 text-primary" aria-hidden />
          <span className="max-sm:sr-only">Keyring</span>
        </Link>
        {email ? (
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            {pages.map((page) => (
              <Link
                key={page.id}
                href={page.href}
                aria-current={current === page.id ? "page" : undefined}
                className="rounded-md px-2 py-1 text-muted-foreground hover:bg-muted hover:text-foreground aria-[current=page]:font-medium aria-[current=page]:text-foreground"
              >
                {page.label}
              </Link>
            ))}
          </nav>
        ) : null}
        <div className="ml-auto flex items-center gap-2">
          {email ? (
            <>
              <span className="hidden max-w-[16rem] truncate text-sm text-muted-foreground md:inline" data-testid="signed-in-email">
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
