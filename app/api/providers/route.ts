import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { sessionEnded } from "@/lib/auth/session";
import { listProvidersForSession } from "@/lib/db/providers";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listProviders, async ({ userId, sessionId }) => {
  const providers = await listProvidersForSession(userId, sessionId);
  if (!providers) throw sessionEnded();
  return providers;
});
