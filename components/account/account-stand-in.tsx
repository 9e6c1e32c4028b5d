import { LogOut, Trash2 } from "lucide-react";
import { buttonVariants } from "@/components/ui/button";
import { AccountActionRows, PasswordFields } from "./account-parts";
import { AccountSection } from "./account-section";

/**
 * The "Account" section as the server renders it, before its code has loaded (deferred-account.tsx): the same
 * fields, which take typing at once (the working form keeps it), a disabled "Change password" (the form posts JSON
 * from script: before that, or without JavaScript, it cannot be sent, and it is a POST form so that the browser
 * could never put the passwords into the address), and the two buttons, which wake the panel by their `data-wake`.
 */
export function AccountStandIn() {
  return (
    <AccountSection
      password={
        <form method="post" noValidate aria-label="Change password" className="space-y-4">
          <PasswordFields errors={{}} alert={null} />
          <button type="submit" disabled className={buttonVariants()}>
            Change password
          </button>
        </form>
      }
      actions={
        <AccountActionRows
          signOut={
            <button type="button" className={buttonVariants({ variant: "outline" })} data-wake="sign-out-everywhere">
              <LogOut aria-hidden />
              Sign out everywhere
            </button>
          }
          remove={
            <button
              type="button"
              className={buttonVariants({ variant: "destructive-outline" })}
              data-wake="delete-account"
            >
              <Trash2 aria-hidden />
              Delete account
            </button>
          }
        />
      }
    />
  );
}
