import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/app/(auth)/auth.config";

/** For pages: the signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requirePageUser(returnTo: string): Promise<{ id: string; email: string }> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return { id: session.user.id, email: session.user.email ?? "" };
}

export async function getPageUser(): Promise<{ id: string; email: string } | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? { id: session.user.id, email: session.user.email ?? "" } : null;
}
