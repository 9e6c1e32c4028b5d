"use client";

import type { KeptInput } from "@/components/ui/deferred-section";
import { AccountActions, type Open } from "./account-actions";
import { AccountSection } from "./account-section";
import { ChangePasswordForm } from "./change-password-form";

/** The "Account" section with its working parts: what deferred-account.tsx loads in place of the stand-in. */
export function AccountPanel({ start, kept }: { start?: Open; kept?: KeptInput }) {
  return <AccountSection password={<ChangePasswordForm kept={kept} />} actions={<AccountActions start={start} />} />;
}
