import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/app/(auth)/auth.config";

/** The signed-in user for this request, read once however many layouts and pages ask. */
export const getPageUser = cache(async (): Promise<{ id: string; email: string } | null> => {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? { id: session.user.id, email: session.user.email ?? "" } : null;
});

/** For pages: the signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requirePageUser(returnTo: string): Promise<{ id: string; email: string }> {
  const user = await getPageUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
