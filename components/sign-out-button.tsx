"use client";

import { LogOut } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { signOut } from "@/lib/client/sign-out";

/**
 * A POST form to /api/auth/logout, so signing out works before the page's JavaScript runs or without it; once
 * hydrated, the click signs out from script (next-auth's own endpoints) and shows that it is busy.
 */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <form
      action="/api/auth/logout"
      method="post"
      onSubmit={(event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        void signOut();
      }}
    >
      <Button type="submit" variant="outline" size="sm" busy={busy}>
        {busy ? null : <LogOut aria-hidden />}
        {busy ? "Signing out..." : "Sign out"}
      </Button>
    </form>
  );
}
