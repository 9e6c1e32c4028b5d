import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { listProvidersForSession } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listProviders, async ({ userId, sessionId }) => {
  const providers = await listProvidersForSession(userId, sessionId);
  if (!providers) throw new AppError("unauthorized", "Sign in to continue.");
  return providers;
});
