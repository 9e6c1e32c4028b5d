import type { Metadata } from "next";
import { AccountSection } from "@/components/account/account-section";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { SiteHeader } from "@/components/site-header";
import { requirePageUser } from "@/lib/auth/session";
import { listProviders } from "@/lib/db/providers";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { isFeatureEnabled } from "@/lib/feature-flags";
import { toKeyView } from "@/lib/keys/view";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

/** The section's props: the same shapes the REST API answers with (lib/validation), masked keys only. */
async function loadKeySection(userId: string) {
  const [providers, keys] = await Promise.all([listProviders(userId), getUserApiKeys(userId)]);
  return { providers, initialKeys: keys.map(toKeyView), now: Date.now() };
}

/** Server component: the session, the flag and the data are resolved here; the client gets plain props. */
export default async function SettingsPage() {
  const user = await requirePageUser("/settings");
  const section = isFeatureEnabled("showApiKeyManagement") ? await loadKeySection(user.id) : null;

  return (
    <>
      <SiteHeader email={user.email} />
      <main className="mx-auto max-w-5xl space-y-10 px-4 py-8 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
          <p className="text-sm text-muted-foreground">Signed in as {user.email}</p>
        </div>
        {section ? <ApiKeysSection {...section} /> : null}
        <AccountSection />
      </main>
    </>
  );
}
