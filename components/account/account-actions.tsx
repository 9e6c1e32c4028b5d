"use client";

import { LogOut, Trash2 } from "lucide-react";
import { lazy, Suspense, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

// The confirmations (Radix AlertDialog) load when first wanted, and start loading on hover/focus.
const loadDialogs = () => import("./account-dialogs");
const SignOutEverywhereDialog = lazy(() => loadDialogs().then((m) => ({ default: m.SignOutEverywhereDialog })));
const DeleteAccountDialog = lazy(() => loadDialogs().then((m) => ({ default: m.DeleteAccountDialog })));

type Open = "sign-out-everywhere" | "delete-account" | null;

/** "Sign out everywhere" and "Delete account", each asked again in a dialog. */
export function AccountActions() {
  const [open, setOpen] = useState<Open>(null);
  const signOutButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const preload = () => void loadDialogs();
  const close = () => setOpen(null);

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <p className="text-sm text-muted-foreground">
          Signed in somewhere you should not be? End every session, this one included.
        </p>
        <Button
          ref={signOutButton}
          variant="outline"
          onMouseEnter={preload}
          onFocus={preload}
          onClick={() => setOpen("sign-out-everywhere")}
        >
          <LogOut aria-hidden />
          Sign out everywhere
        </Button>
      </div>
      <div className="space-y-2">
        <p className="text-sm text-muted-foreground">Deletes your account and every key stored for it.</p>
        <Button
          ref={deleteButton}
          variant="destructive-outline"
          onMouseEnter={preload}
          onFocus={preload}
          onClick={() => setOpen("delete-account")}
        >
          <Trash2 aria-hidden />
          Delete account
        </Button>
      </div>
      <Suspense fallback={null}>
        {open === "sign-out-everywhere" ? (
          <SignOutEverywhereDialog onClose={close} returnFocusTo={() => signOutButton.current?.focus()} />
        ) : null}
        {open === "delete-account" ? (
          <DeleteAccountDialog onClose={close} returnFocusTo={() => deleteButton.current?.focus()} />
        ) : null}
      </Suspense>
    </div>
  );
}
