import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { type PlaygroundProvider, Playground } from "@/components/playground/playground";
import { SiteHeader } from "@/app/_components/site-header";
import { requirePageUser } from "@/lib/auth/session";
import { listProviders } from "@/lib/db/providers";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { canChat, isExpired } from "@/lib/domain/key-use";
import { isFeatureEnabled } from "@/lib/feature-flags";
import { toListedKeyView } from "@/lib/keys/view";

export const metadata: Metadata = { title: "Playground" };
export const dynamic = "force-dynamic";

/**
 * The providers the user can chat with (see canChat; an expired key is never used), each with the hint of its
 * first such key by position: the list is sorted, then reversed so that the Map keeps the first of each provider.
 */
async function chatProviders(userId: string): Promise<PlaygroundProvider[]> {
  const [providers, keys] = await Promise.all([listProviders(userId), getUserApiKeys(userId)]);
  const now = Date.now();
  const usable = new Map(
    keys
      .map(toListedKeyView)
      .filter((key) => canChat(key) && !isExpired(key, now))
      .sort((a, b) => b.position - a.position)
      .map((key) => [key.providerId, key.apiKey]),
  );
  return providers.filter((p) => usable.has(p.id)).map((p) => ({ id: p.id, name: p.name, keyHint: usable.get(p.id)! }));
}

/** Server component: session, flag and the usable providers are resolved here; the chat runs in the browser. */
export default async function PlaygroundPage({
  searchParams,
}: {
  searchParams: Promise<{ provider?: string | string[] }>;
}) {
  const user = await requirePageUser("/playground");
  if (!isFeatureEnabled("showPlayground")) notFound();
  const [providers, { provider }] = await Promise.all([chatProviders(user.id), searchParams]);

  return (
    <>
      <SiteHeader email={user.email} current="playground" />
      <main className="mx-auto max-w-3xl space-y-6 px-4 py-8 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Playground</h1>
          <p className="text-sm text-muted-foreground">
            Chat with a provider through your own key. Nothing is kept after you leave.
          </p>
        </div>
        <Playground providers={providers} initialProviderId={typeof provider === "string" ? provider : undefined} />
      </main>
    </>
  );
}
