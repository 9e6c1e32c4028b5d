import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { testApiKey } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

export const POST = userRoute(operations.testApiKey, ({ userId, body }) => testApiKey(userId, body));
