import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/session";

/**
 * The session check lives here, before anything of the page renders, so a signed-out visitor gets a real
 * redirect (307 to /login), not a shell that redirects in the browser. The page has no loading boundary
 * (loading.tsx) on purpose: a streamed fallback is replaced by script, so without JavaScript the page would stay
 * a skeleton forever; its reads are quick, and the page arrives whole.
 */
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requirePageUser("/settings");
  return children;
}
