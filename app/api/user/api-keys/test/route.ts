import { userRoute } from "@/lib/api/handler";
import { testApiKey } from "@/lib/keys/service";
import { testApiKeySchema } from "@/lib/validation/api-keys";

export const dynamic = "force-dynamic";

export const POST = userRoute({ flag: "showApiKeyManagement", body: testApiKeySchema }, ({ userId, body }) =>
  testApiKey(userId, body),
);
