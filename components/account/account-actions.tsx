"use client";

import { LogOut, Trash2 } from "lucide-react";
import { lazy, Suspense, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { AccountActionRows } from "./account-parts";

// The confirmations (Radix AlertDialog) load when first wanted, and start loading on hover/focus.
const loadDialogs = () => import("./account-dialogs");
const SignOutEverywhereDialog = lazy(() => loadDialogs().then((m) => ({ default: m.SignOutEverywhereDialog })));
const DeleteAccountDialog = lazy(() => loadDialogs().then((m) => ({ default: m.DeleteAccountDialog })));

export type Open = "sign-out-everywhere" | "delete-account" | null;

/** "Sign out everywhere" and "Delete account", each asked again in a dialog (`start`: one is open at first). */
export function AccountActions({ start = null }: { start?: Open }) {
  const [open, setOpen] = useState<Open>(start);
  const signOutButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const preload = () => void loadDialogs();
  const close = () => setOpen(null);

  return (
    <div>
      <AccountActionRows
        signOut={
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
        }
        remove={
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
        }
      />
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
