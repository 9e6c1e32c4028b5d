import { LogOut } from "lucide-react";
import { buttonVariants } from "@/components/ui/button";

/**
 * A POST form to /api/auth/logout (303 to /login, signed out), the same with or without JavaScript. A server
 * component: it needs no script (a second click posts again, which is harmless), so the page ships none for it.
 */
export function SignOutButton() {
  return (
    <form action="/api/auth/logout" method="post">
      <button type="submit" className={buttonVariants({ variant: "outline", size: "sm" })}>
        <LogOut aria-hidden />
        Sign out
      </button>
    </form>
  );
}
