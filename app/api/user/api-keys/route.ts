import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { jsonText } from "@/lib/api/respond";
import { sessionEnded } from "@/lib/auth/session";
import { deleteUserApiKey, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { AppError } from "@/lib/errors";
import { saveApiKey } from "@/lib/keys/service";
import { listedKeyViewsJson, toKeyView } from "@/lib/keys/view";

const noKey = () => new AppError("api_key_not_found", "You have no API key for that provider.");

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listApiKeys, async ({ userId, sessionId }) => {
  const list = await listedKeyViewsJson(userId, sessionId);
  if (list === null) throw sessionEnded();
  return jsonText(list);
});

export const POST = userRoute(operations.saveApiKey, ({ userId, body }) => saveApiKey(userId, body));

export const DELETE = userRoute(operations.deleteApiKey, async ({ userId, body }) => {
  if (!(await deleteUserApiKey(userId, body.providerId))) throw noKey();
  return { success: true as const };
});

export const PATCH = userRoute(operations.toggleApiKey, async ({ userId, body }) => {
  const row = await setUserApiKeyEnabled(userId, body.providerId, body.isEnabled);
  if (!row) throw noKey();
  return toKeyView(row);
});
