import { ArrowRight, FlaskConical, Lock, ToggleRight } from "lucide-react";
import Link from "next/link";
import { SiteHeader } from "@/app/_components/site-header";
import { buttonVariants } from "@/components/ui/button";
import { getPageUser } from "@/lib/auth/session";
import { PROVIDERS } from "@/lib/domain/catalogue";

export const dynamic = "force-dynamic";

const POINTS = [
  {
    icon: Lock,
    title: "Encrypted at rest",
    text: "AES-256-GCM, bound to your account, under a rotatable key. Shown only masked.",
  },
  {
    icon: FlaskConical,
    title: "Checked before saving",
    text: "Each key is verified with its provider, without spending tokens.",
  },
  { icon: ToggleRight, title: "Yours to control", text: "Test, disable, replace or delete a key at any time." },
];

export default async function HomePage() {
  const user = await getPageUser();
  return (
    <>
      <SiteHeader email={user?.email} />
      <main className="mx-auto flex max-w-3xl flex-col gap-10 px-6 py-16 sm:py-24">
        <div className="space-y-4">
          <h1 className="text-3xl font-semibold tracking-tight sm:text-4xl">Bring your own AI provider keys</h1>
          <p className="text-lg text-muted-foreground">
            Store your API keys for {PROVIDERS.map((p) => p.name).join(", ")} once, and use them safely everywhere.
          </p>
          <div className="flex flex-wrap gap-3">
            {user ? (
              <Link href="/settings" className={buttonVariants()}>
                Manage your keys <ArrowRight aria-hidden />
              </Link>
            ) : (
              <>
                <Link href="/register" className={buttonVariants()}>
                  Create an account <ArrowRight aria-hidden />
                </Link>
                <Link href="/login" className={buttonVariants({ variant: "outline" })}>
                  Sign in
                </Link>
              </>
            )}
          </div>
        </div>
        <ul className="grid gap-4 sm:grid-cols-3">
          {POINTS.map(({ icon: Icon, title, text }) => (
            <li key={title} className="space-y-2 rounded-lg border bg-card p-4">
              <Icon className="size-5 text-primary" aria-hidden />
              <h2 className="font-medium">{title}</h2>
              <p className="text-sm text-muted-foreground">{text}</p>
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
