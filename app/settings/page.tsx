import type { Metadata } from "next";
import { AccountStandIn } from "@/components/account/account-stand-in";
import { DeferredAccount } from "@/components/account/deferred-account";
import { ActivityView, providerNames } from "@/components/activity/activity-view";
import { DeferredActivity } from "@/components/activity/deferred-activity";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { UsageChart } from "@/components/api-keys/usage-chart";
import { SiteHeader } from "@/app/_components/site-header";
import { SpendSection } from "@/components/spend/spend-section";
import { DeferredTokens } from "@/components/tokens/deferred-tokens";
import { TokensStandIn } from "@/components/tokens/tokens-stand-in";
import { listTokens } from "@/lib/gateway/tokens";
import { buttonVariants } from "@/components/ui/button";
import { requirePageUser } from "@/lib/auth/session";
import { getDailyUsage } from "@/lib/db/key-usage";
import { listFirstKeyOnly } from "@/lib/db/provider-settings";
import { listProviders } from "@/lib/db/providers";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import { isFeatureEnabled } from "@/lib/feature-flags";
import { getActivityPage } from "@/lib/keys/activity";
import { loadSpend } from "@/lib/spend/spend-page";
import { usageByKey } from "@/lib/keys/usage-days";
import { toListedKeyView } from "@/lib/keys/view";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

/**
 * The section's props: the same shapes the REST API answers with (lib/validation), masked keys only. The 30-day
 * charts are drawn here, on the server, from one read of the daily usage, and handed over as finished elements.
 */
async function loadKeys(userId: string, now: number) {
  const [keys, daily, firstKeyOnly, spend, tokens] = await Promise.all([
    getUserApiKeys(userId),
    getDailyUsage(userId),
    listFirstKeyOnly(userId),
    loadSpend(userId, now),
    listTokens(userId),
  ]);
  const charts = Object.fromEntries(
    [...usageByKey(daily, now)].map(([keyId, days]) => [keyId, <UsageChart key={keyId} days={days} />]),
  );
  return { keys: { initialKeys: keys.map(toListedKeyView), charts, firstKeyOnly }, spend, tokens };
}

/** Everything the page shows, read in parallel, with the clock every relative time is measured against. */
async function loadPage(userId: string) {
  const now = Date.now();
  const [providers, keys, activity] = await Promise.all([
    listProviders(userId),
    isFeatureEnabled("showApiKeyManagement") ? loadKeys(userId, now) : null,
    getActivityPage(userId),
  ]);
  return {
    providers,
    section: keys && { providers, ...keys.keys, now },
    spend: keys?.spend,
    tokens: keys?.tokens,
    activity,
    now,
  };
}

/** Server component: the session, the flag and the data are resolved here; the client gets plain props. */
export default async function SettingsPage() {
  const user = await requirePageUser("/settings");
  const { providers, section, spend, tokens, activity, now } = await loadPage(user.id);

  return (
    <>
      <SiteHeader email={user.email} current="settings" />
      <main className="mx-auto max-w-5xl space-y-10 px-4 py-8 sm:px-6">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
          <p className="text-sm text-muted-foreground">Signed in as {user.email}</p>
        </div>
        {/* The page reads without JavaScript; its buttons (dialogs, requests from script) do not work. */}
        <noscript>
          <p role="note" className="rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
            JavaScript is turned off in this browser. You can see your keys and their status here, and sign out, but
            adding, testing, changing or removing keys, changing your password and managing sessions need JavaScript:
            turn it on for this site and reload the page.
          </p>
        </noscript>
        {section ? <ApiKeysSection {...section} /> : null}
        {section && spend ? <SpendSection spend={spend} keys={section.initialKeys} providers={providers} /> : null}
        {tokens ? (
          <DeferredTokens initialTokens={tokens} providers={providers} now={now}>
            <TokensStandIn tokens={tokens} providers={providers} now={now} />
          </DeferredTokens>
        ) : null}
        <DeferredActivity initialPage={activity} providers={providers} now={now}>
          <ActivityView
            events={activity.events}
            names={providerNames(providers)}
            now={now}
            more={
              activity.nextCursor ? (
                // A plain button (a server component passes no handlers): DeferredActivity answers its click.
                <button type="button" className={buttonVariants({ variant: "outline", size: "sm" })} data-wake="more">
                  Load more
                </button>
              ) : null
            }
          />
        </DeferredActivity>
        <DeferredAccount>
          <AccountStandIn />
        </DeferredAccount>
      </main>
    </>
  );
}
