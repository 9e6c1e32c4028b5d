import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { AccountActions } from "./account-actions";
import { ChangePasswordForm } from "./change-password-form";

/** The "Account" section of /settings: the password, the sessions, the account itself. */
export function AccountSection() {
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
          <CardContent className="pb-5">
            <ChangePasswordForm />
          </CardContent>
        </Card>
        <Card role="group" aria-labelledby="sessions-title">
          <CardHeader>
            <CardTitle id="sessions-title">Sessions and account</CardTitle>
          </CardHeader>
          <CardContent className="pb-5">
            <AccountActions />
          </CardContent>
        </Card>
      </div>
    </section>
  );
}
