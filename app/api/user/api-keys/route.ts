import { userRoute } from "@/lib/api/handler";
import { deleteUserApiKey, getUserApiKeys, setUserApiKeyEnabled } from "@/lib/db/user-api-keys";
import { AppError } from "@/lib/errors";
import { saveApiKey } from "@/lib/keys/service";
import { deleteApiKeySchema, saveApiKeySchema, toggleApiKeySchema } from "@/lib/validation/api-keys";

const flag = "showApiKeyManagement";
const noKey = () => new AppError("api_key_not_found", "You have no API key for that provider.");

export const dynamic = "force-dynamic";

export const GET = userRoute({ flag }, ({ userId }) => getUserApiKeys(userId));

export const POST = userRoute({ flag, body: saveApiKeySchema }, ({ userId, body }) => saveApiKey(userId, body));

export const DELETE = userRoute({ flag, body: deleteApiKeySchema }, async ({ userId, body }) => {
  if (!(await deleteUserApiKey(userId, body.providerId))) throw noKey();
  return { success: true };
});

export const PATCH = userRoute({ flag, body: toggleApiKeySchema }, async ({ userId, body }) => {
  const row = await setUserApiKeyEnabled(userId, body.providerId, body.isEnabled);
  if (!row) throw noKey();
  return row;
});
