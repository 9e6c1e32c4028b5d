import { KeyRound } from "lucide-react";
import { isFeatureEnabled } from "@/lib/feature-flags";
import { SignOutButton } from "@/components/sign-out-button";
import { ThemeToggle } from "@/components/theme-toggle";

/**
 * Server component (it reads the feature flags): the signed-in user's pages, and the way out. Plain links, not
 * next/link: its client code (~3.5 kB gzip) was what put the settings page over its JavaScript budget, and these
 * pages are rendered per request anyway (a soft navigation would fetch them from the server just the same).
 */
export function SiteHeader({ email, current }: { email?: string | null; current?: "settings" | "playground" }) {
  const pages = [
    { id: "settings", href: "/settings", label: "Settings" },
    ...(isFeatureEnabled("showPlayground") ? [{ id: "playground", href: "/playground", label: "Playground" }] : []),
  ];
  return (
    <header className="border-b bg-card/60 backdrop-blur">
      <div className="mx-auto flex h-14 max-w-5xl items-center gap-3 px-4 sm:px-6">
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- plain links on purpose: see above */}
        <a href="/" className="flex items-center gap-2 font-semibold">
          <KeyRound className="size-5 text-primary" aria-hidden />
          <span className="max-sm:sr-only">Keyring</span>
        </a>
        {email ? (
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            {pages.map((page) => (
              <a
                key={page.id}
                href={page.href}
                aria-current={current === page.id ? "page" : undefined}
                className="rounded-md px-2 py-1 text-muted-foreground hover:bg-muted hover:text-foreground aria-[current=page]:font-medium aria-[current=page]:text-foreground"
              >
                {page.label}
              </a>
            ))}
          </nav>
        ) : null}
        <div className="ml-auto flex items-center gap-2">
          {email ? (
            <>
              <span
                className="hidden max-w-[16rem] truncate text-sm text-muted-foreground md:inline"
                data-testid="signed-in-email"
              >
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
