"use client";

import { LogOut } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * A POST form to /api/auth/logout (303 to /login, signed out), the same with or without JavaScript: once hydrated,
 * the button only shows that it is busy and a second click does not post again.
 */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <form
      action="/api/auth/logout"
      method="post"
      onSubmit={(event) => {
        if (busy) event.preventDefault();
        else setBusy(true);
      }}
    >
      <Button type="submit" variant="outline" size="sm" busy={busy}>
        {busy ? null : <LogOut aria-hidden />}
        {busy ? "Signing out..." : "Sign out"}
      </Button>
    </form>
  );
}
