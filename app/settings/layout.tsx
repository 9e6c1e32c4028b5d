import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/session";

/**
 * The session check lives here, outside the page's loading boundary, so a signed-out visitor gets a real
 * redirect (307 to /login) before anything streams, not a loading shell that redirects in the browser.
 */
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requirePageUser("/settings");
  return children;
}
