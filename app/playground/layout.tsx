import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/session";

/** As /settings: the session is checked before anything streams, so a signed-out visitor gets a real redirect. */
export default async function PlaygroundLayout({ children }: { children: ReactNode }) {
  await requirePageUser("/playground");
  return children;
}
