import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { jsonText } from "@/lib/api/respond";
import { sessionEnded } from "@/lib/auth/session";
import { providersJsonForSession } from "@/lib/db/provider-list-json";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listProviders, async ({ userId, sessionId }) => {
  const providers = await providersJsonForSession(userId, sessionId);
  if (providers === null) throw sessionEnded();
  return jsonText(providers);
});
