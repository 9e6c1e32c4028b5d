import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { SiteHeader } from "@/app/_components/site-header";
import { authErrorSentence } from "@/lib/auth/form-errors";
import { getPageUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/domain/safe-redirect";

export const metadata: Metadata = { title: "Sign in" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** What /login says after a sign-out (the sign-out button, "Sign out everywhere"): a fixed sentence per value. */
const SIGNED_OUT: Record<string, string> = {
  "1": "You have signed out.",
  everywhere: "You have signed out everywhere: every session of your account has ended.",
};

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const returnTo = safeReturnPath(params.callbackUrl);
  if (await getPageUser()) redirect(returnTo);
  // A failed sign-in without JavaScript comes back here with a code, never a sentence (lib/auth/form-errors.ts).
  const notice = authErrorSentence("/login", params.error, params.retry);
  return (
    <>
      <SiteHeader />
      <AuthCard
        title="Sign in"
        description="Manage the API keys you bring to Keyring."
        footer={
          <span>
            No account?{" "}
            <Link
              className="font-medium text-primary underline-offset-4 hover:underline"
              href={`/register?callbackUrl=${encodeURIComponent(returnTo)}`}
            >
              Create one
            </Link>
          </span>
        }
      >
        {params.registered ? (
          <p className="mb-4 text-sm text-muted-foreground">Your account is ready. Sign in to continue.</p>
        ) : null}
        {typeof params.signedOut === "string" && Object.hasOwn(SIGNED_OUT, params.signedOut) ? (
          <p
            role="status"
            className="mb-4 rounded-md border border-success/30 bg-success/10 p-3 text-sm"
            data-testid="signed-out"
          >
            {SIGNED_OUT[params.signedOut]}
          </p>
        ) : null}
        <LoginForm returnTo={returnTo} notice={notice} />
      </AuthCard>
    </>
  );
}
