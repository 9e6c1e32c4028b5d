import type { ReactNode } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/**
 * The "Account" section of /settings: the password, the sessions, the account itself. The layout only: the page
 * renders it with stand-ins (account-stand-in.tsx) and the panel (account-panel.tsx) with the working parts.
 */
export function AccountSection({ password, actions }: { password: ReactNode; actions: ReactNode }) {
  return (
    <section aria-labelledby="account" className="space-y-4">
      <div className="space-y-1">
        <h2 id="account" className="text-lg font-semibold">
          Account
        </h2>
        <p className="text-sm text-muted-foreground">Your password, where you are signed in, and your account.</p>
      </div>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Card role="group" aria-labelledby="change-password-title">
          <CardHeader>
            <CardTitle id="change-password-title">Change password</CardTitle>
            <CardDescription>Every other browser and device is signed out when it changes.</CardDescription>
          </CardHeader>
          <CardContent className="pb-5">{password}</CardContent>
        </Card>
        <Card role="group" aria-labelledby="sessions-title">
          <CardHeader>
            <CardTitle id="sessions-title">Sessions and account</CardTitle>
          </CardHeader>
          <CardContent className="pb-5">{actions}</CardContent>
        </Card>
      </div>
    </section>
  );
}
