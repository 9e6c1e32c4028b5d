"use client";

import { LogOut } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { signOut } from "@/lib/client/sign-out";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="outline"
      size="sm"
      busy={busy}
      onClick={() => {
        setBusy(true);
        void signOut();
      }}
    >
      {busy ? null : <LogOut aria-hidden />}
      {busy ? "Signing out..." : "Sign out"}
    </Button>
  );
}
