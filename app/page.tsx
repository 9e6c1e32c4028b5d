import Link from "next/link";
import { PROVIDERS } from "@/lib/providers/catalogue";

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 px-6 py-20">
      <h1 className="text-3xl font-semibold tracking-tight">Bring your own AI provider keys</h1>
      <p className="text-muted-foreground">
        Store your API keys for {PROVIDERS.map((p) => p.name).join(", ")} once. They are encrypted at rest, checked
        against the provider before they are saved, and never shown again in full.
      </p>
      <div className="flex gap-3">
        <Link
          href="/settings"
          className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground hover:opacity-90"
        >
          Manage your keys
        </Link>
      </div>
    </main>
  );
}
