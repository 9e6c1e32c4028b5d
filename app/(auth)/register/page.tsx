import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { RegisterForm } from "@/components/auth/register-form";
import { SiteHeader } from "@/app/_components/site-header";
import { authErrorSentence } from "@/lib/auth/form-errors";
import { getPageUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/domain/safe-redirect";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const returnTo = safeReturnPath(params.callbackUrl);
  if (await getPageUser()) redirect(returnTo);
  return (
    <>
      <SiteHeader />
      <AuthCard
        title="Create an account"
        description="Store your AI provider keys safely, then use them everywhere."
        footer={
          <span>
            Already have an account?{" "}
            <Link
              className="font-medium text-primary underline-offset-4 hover:underline"
              href={`/login?callbackUrl=${encodeURIComponent(returnTo)}`}
            >
              Sign in
            </Link>
          </span>
        }
      >
        <RegisterForm returnTo={returnTo} notice={authErrorSentence("/register", params.error, params.retry)} />
      </AuthCard>
    </>
  );
}
