import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { changeApiKey, removeApiKey } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

export const PATCH = userRoute(operations.updateApiKey, ({ userId, params, body }) =>
  changeApiKey(userId, params.id, body),
);

export const DELETE = userRoute(operations.deleteApiKeyById, ({ userId, params }) => removeApiKey(userId, params.id));
