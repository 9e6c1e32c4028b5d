import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { jsonText } from "@/lib/api/respond";
import { sessionEnded } from "@/lib/auth/session";
import { enableProviderKeys, removeProviderKeys, saveApiKey } from "@/lib/keys/service";
import { listedKeyViewsJson } from "@/lib/keys/view";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listApiKeys, async ({ userId, sessionId }) => {
  const list = await listedKeyViewsJson(userId, sessionId);
  if (list === null) throw sessionEnded();
  return jsonText(list);
});

export const POST = userRoute(operations.saveApiKey, ({ userId, body }) => saveApiKey(userId, body));

export const DELETE = userRoute(operations.deleteApiKey, ({ userId, body }) =>
  removeProviderKeys(userId, body.providerId),
);

export const PATCH = userRoute(operations.toggleApiKey, ({ userId, body }) =>
  enableProviderKeys(userId, body.providerId, body.isEnabled),
);
